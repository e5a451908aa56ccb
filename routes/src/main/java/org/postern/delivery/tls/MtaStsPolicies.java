package org.postern.delivery.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.util.Timeout;
import org.postern.dns.MxHost;
import org.postern.dns.MxLookup;
import org.postern.dns.MxResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;

/**
 * MTA-STS (RFC 8461) policies of recipient domains. A policy is announced by the {@code _mta-sts.<domain>} TXT
 * record ({@code v=STSv1; id=…}) and fetched from {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}
 * (certificate verified against the trusted authorities, redirects not followed, 64 KB at most, text/plain). It is
 * kept for its {@code max_age}; the TXT record is looked at again after an hour (5 minutes when there was none),
 * and a new id fetches the policy again. A failed fetch or lookup keeps a cached policy that has not expired, else
 * there is no policy (RFC 8461 section 5). Names are resolved through Postern's own DNS, like every other name.
 */
public class MtaStsPolicies implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(MtaStsPolicies.class);
    static final Duration RECHECK = Duration.ofHours(1);
    static final Duration RECHECK_WITHOUT_RECORD = Duration.ofMinutes(5);
    static final int MAX_POLICY_BYTES = 64 * 1024;
    static final int MAX_CACHED = 100_000;
    private static final Duration LOOKUP_LIMIT = Duration.ofSeconds(60);
    static final int HTTPS_PORT = 443;

    /** What is known of a domain: its policy (until it expires), the TXT id it came with, when to look again. */
    private record Known(Optional<MtaStsPolicy> policy, Instant expires, String id, Instant recheck) {
        Optional<MtaStsPolicy> valid(Instant now) {
            return now.isBefore(expires) ? policy : Optional.empty();
        }
    }

    private final int policyPort;
    private final LookupSession txt;
    private final MxLookup addresses;
    private final Clock clock;
    private final CloseableHttpClient http;
    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public MtaStsPolicies(LookupSession txt, MxLookup addresses, X509TrustManager trust, Clock clock) throws GeneralSecurityException {
        this(txt, addresses, trust, clock, HTTPS_PORT);
    }

    /** The same, fetching policies from another port than 443 (RFC 8461's): for tests on loopback without root. */
    public MtaStsPolicies(LookupSession txt, MxLookup addresses, X509TrustManager trust, Clock clock, int policyPort)
            throws GeneralSecurityException {
        this.policyPort = policyPort;
        this.txt = txt;
        this.addresses = addresses;
        this.clock = clock;
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {trust}, null);
        this.http = HttpClients.custom()
            .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new PosternDns())
                .setTlsSocketStrategy(new DefaultClientTlsStrategy(tls))
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                    .setConnectTimeout(Timeout.ofSeconds(10)).setSocketTimeout(Timeout.ofSeconds(20)).build())
                .build())
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .build();
    }

    /** The policy in force for a domain, if it has one (mode {@code none} included). */
    public Optional<MtaStsPolicy> policy(String domain) {
        String key = domain.toLowerCase(Locale.ROOT);
        Instant now = clock.instant();
        Known current = known.get(key);
        if (current != null && now.isBefore(current.recheck())) {
            return current.valid(now);
        }
        synchronized (locks.computeIfAbsent(key, any -> new Object())) {
            current = known.get(key);
            if (current == null || !now.isBefore(current.recheck())) {
                current = refresh(key, current, now);
                if (known.size() >= MAX_CACHED) {
                    known.clear();
                    locks.clear();
                }
                known.put(key, current);
            }
            return current.valid(now);
        }
    }

    private Known refresh(String domain, Known cached, Instant now) {
        Optional<MtaStsPolicy> stillValid = cached == null ? Optional.empty() : cached.valid(now);
        Instant expires = cached == null ? now : cached.expires();
        Optional<String> id;
        try {
            id = recordId(domain);
        } catch (Exception e) {
            LOGGER.warn("MTA-STS: TXT lookup for _mta-sts.{} failed, {}: {}", domain,
                stillValid.isPresent() ? "keeping the cached policy" : "no policy", e.toString());
            return new Known(stillValid, expires, cached == null ? "" : cached.id(), now.plus(RECHECK_WITHOUT_RECORD));
        }
        if (id.isEmpty()) {
            return new Known(stillValid, expires, cached == null ? "" : cached.id(), now.plus(RECHECK_WITHOUT_RECORD));
        }
        if (stillValid.isPresent() && cached.id().equals(id.get())) {
            return new Known(stillValid, expires, cached.id(), now.plus(RECHECK));
        }
        try {
            MtaStsPolicy policy = MtaStsPolicy.parse(fetch(domain), id.get());
            LOGGER.info("MTA-STS: policy of {} (id {}): mode {}, mx {}, max_age {}s", domain, id.get(),
                policy.mode().name().toLowerCase(Locale.ROOT), policy.mx(), policy.maxAge().toSeconds());
            return new Known(Optional.of(policy), now.plus(policy.maxAge()), id.get(), now.plus(RECHECK));
        } catch (Exception e) {
            LOGGER.warn("MTA-STS: policy of {} (id {}) not fetched, {}: {}", domain, id.get(),
                stillValid.isPresent() ? "keeping the cached policy" : "no policy", e.toString());
            return new Known(stillValid, expires, cached == null ? "" : cached.id(), now.plus(RECHECK_WITHOUT_RECORD));
        }
    }

    /** The id of the domain's one {@code v=STSv1} TXT record; empty when it has none (or several, RFC 8461 3.1). */
    private Optional<String> recordId(String domain) throws Exception {
        LookupResult result;
        try {
            result = txt.lookupAsync(org.xbill.DNS.Name.fromString("_mta-sts." + domain + "."), org.xbill.DNS.Type.TXT)
                .toCompletableFuture().get(LOOKUP_LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.xbill.DNS.lookup.NoSuchDomainException
                || e.getCause() instanceof org.xbill.DNS.lookup.NoSuchRRSetException) {
                return Optional.empty();
            }
            throw e;
        }
        List<String> records = result.getRecords().stream().filter(TXTRecord.class::isInstance)
            .map(record -> String.join("", ((TXTRecord) record).getStrings()))
            .filter(text -> text.startsWith("v=STSv1;") || text.equals("v=STSv1")).toList();
        if (records.size() != 1) {
            return Optional.empty();
        }
        for (String field : records.get(0).split(";")) {
            String trimmed = field.trim();
            if (trimmed.startsWith("id=") && trimmed.substring(3).matches("[A-Za-z0-9]{1,32}")) {
                return Optional.of(trimmed.substring(3));
            }
        }
        return Optional.empty();
    }

    private String fetch(String domain) throws IOException {
        HttpGet get = new HttpGet("https://mta-sts." + domain + (policyPort == HTTPS_PORT ? "" : ":" + policyPort)
            + "/.well-known/mta-sts.txt");
        return http.execute(get, response -> {
            if (response.getCode() != 200) {
                throw new IOException("HTTP " + response.getCode() + " " + response.getReasonPhrase());
            }
            Header type = response.getFirstHeader("Content-Type");
            if (type == null || !type.getValue().toLowerCase(Locale.ROOT).startsWith("text/plain")) {
                throw new IOException("Content-Type " + (type == null ? "missing" : type.getValue()) + ", not text/plain");
            }
            try (InputStream body = response.getEntity().getContent()) {
                byte[] bytes = body.readNBytes(MAX_POLICY_BYTES + 1);
                if (bytes.length > MAX_POLICY_BYTES) {
                    throw new IOException("policy longer than " + MAX_POLICY_BYTES + " bytes");
                }
                return new String(bytes, StandardCharsets.UTF_8);
            }
        });
    }

    @Override
    public void close() throws IOException {
        http.close();
    }

    /** The policy host's addresses, from Postern's DNS. */
    private final class PosternDns implements DnsResolver {
        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            MxResult result;
            try {
                result = addresses.hostAddresses(host).toCompletableFuture().get(LOOKUP_LIMIT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new UnknownHostException(host + ": " + e);
            }
            if (result instanceof MxResult.Hosts hosts) {
                return hosts.hosts().stream().map(MxHost::addresses).flatMap(List::stream).toArray(InetAddress[]::new);
            }
            throw new UnknownHostException(host + ": " + result);
        }

        @Override
        public String resolveCanonicalHostname(String host) {
            return host;
        }
    }
}
