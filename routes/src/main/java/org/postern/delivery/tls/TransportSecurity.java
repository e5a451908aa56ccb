package org.postern.delivery.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.X509TrustManager;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.postern.delivery.TlsSettings;
import org.postern.dns.DnsSettings;
import org.postern.dns.DnssecLookup;
import org.postern.dns.MxLookup;
import org.postern.routing.NextHop;
import org.postern.routing.RouteOptions;
import org.postern.smtp.client.PkixCheck;
import org.postern.smtp.client.SmtpReply;
import org.postern.smtp.client.Target;
import org.postern.smtp.client.TlsLevel;
import org.postern.smtp.client.TlsPolicy;
import org.postern.smtp.client.Tlsa;
import org.postern.smtp.client.TrustStores;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupSession;

/**
 * Decides the TLS each delivery session requires; {@code SmtpSession} enforces it.
 *
 * <ol>
 *   <li>The level: the route's {@code tls} in {@code transport.xml}, else {@code delivery.xml}'s
 *       {@code <tls><nexthop>} for the next hop, else {@code <tls level>} ({@code may}). {@code verify} checks the
 *       MX host name, {@code secure} the next-hop domain and its subdomains; {@code tlsMatch}/{@code match} replace
 *       those names.</li>
 *   <li>{@code dane} (RFC 7672): DANE applies to an MX host only when its name is itself DNSSEC-validated (a signed
 *       MX RRset, or a host named in the route); then its {@code _25._tcp} TLSA records, validated: usable ones
 *       make TLS mandatory and decide the certificate ({@code dane}); records none of which is usable make TLS
 *       mandatory without authentication ({@code dane:encrypt}); no records, or an unsigned zone, fall back to
 *       {@code may} ({@code dane:may}); a bogus or failed lookup makes the host unusable (4.7.5: next host, or
 *       deferred).</li>
 *   <li>MTA-STS (RFC 8461), for {@code mx:} next hops whose level left TLS opportunistic ({@code may},
 *       {@code dane:may}), when {@code <tls mtaSts>} is on: in mode {@code enforce} an MX host the policy does not
 *       list is skipped (4.7.5) and the others need a trusted certificate carrying their name; in mode
 *       {@code testing} the session keeps its level and a failure of those checks is logged and put in the ledger.</li>
 *   <li>A message that asked for REQUIRETLS (RFC 8689) gets a verified session whatever the level (DANE, MTA-STS,
 *       else the certificate checked against the MX host name); not meeting it fails with 550 5.7.10.</li>
 * </ol>
 */
public class TransportSecurity implements AutoCloseable {
    private static final long LOOKUP_LIMIT_SECONDS = 60;

    /** What holds for every host of one attempt; {@code refusal}: no host may be used (a bogus MX answer). */
    public record RouteTls(String domain, TlsLevel level, List<String> match, boolean hostNamesSecure,
                           Optional<MtaStsPolicy> mtaSts, boolean requireTls, SmtpReply refusal) {
    }

    /** The policy for one host, or the reply that says why it must not be used. */
    public record HostTls(TlsPolicy policy, SmtpReply refusal) {
    }

    private final TlsSettings settings;
    private final X509TrustManager trust;
    private final DnssecLookup dnssec;
    private final MtaStsPolicies mtaSts;

    /** {@code dnssec} null: no DANE (the level then makes hosts unusable); {@code mtaSts} null: MTA-STS is off. */
    public TransportSecurity(TlsSettings settings, X509TrustManager trust, DnssecLookup dnssec, MtaStsPolicies mtaSts) {
        this.settings = settings;
        this.trust = trust;
        this.dnssec = dnssec;
        this.mtaSts = mtaSts;
    }

    /**
     * Everything {@code <tls>} names, read once at start: the trusted authorities ({@code caFile}, else the JVM's),
     * the DNSSEC trust anchors ({@code daneTrustAnchors}, else the root's), MTA-STS when on. File names are
     * absolute or relative to the conf directory; a file that cannot be read stops start-up.
     */
    public static TransportSecurity create(TlsSettings settings, Path confDirectory, DnsSettings dns, MxLookup mx, Clock clock)
            throws ConfigurationException {
        X509TrustManager trust;
        try {
            trust = settings.caFile().isPresent() ? TrustStores.fromFile(confDirectory.resolve(settings.caFile().get()))
                : TrustStores.jvmDefault();
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("delivery.xml: <tls caFile> = '" + settings.caFile().orElse("") + "': must be a PEM file "
                + "of certificate authorities (" + e.getMessage() + ")", e);
        }
        Resolver resolver = dns.resolver();
        DnssecLookup dnssec;
        try {
            if (settings.daneTrustAnchors().isPresent()) {
                try (InputStream anchors = Files.newInputStream(confDirectory.resolve(settings.daneTrustAnchors().get()))) {
                    dnssec = new DnssecLookup(resolver, anchors);
                }
            } else {
                dnssec = DnssecLookup.withRootAnchors(resolver);
            }
        } catch (IOException e) {
            throw new ConfigurationException("delivery.xml: <tls daneTrustAnchors> = '" + settings.daneTrustAnchors().orElse("")
                + "': must be a file of DS or DNSKEY records (" + e.getMessage() + ")", e);
        }
        MtaStsPolicies policies = null;
        if (settings.mtaSts()) {
            try {
                policies = new MtaStsPolicies(LookupSession.builder().resolver(resolver).clearSearchPath()
                    .cache(new Cache(DClass.IN)).build(), mx, trust, clock);
            } catch (GeneralSecurityException e) {
                throw new ConfigurationException("delivery.xml: <tls mtaSts>: no TLS for policy fetches: " + e.getMessage(), e);
            }
        }
        return new TransportSecurity(settings, trust, dnssec, policies);
    }

    /** Only levels and the JVM's authorities: no DANE, no MTA-STS (tests, and set-ups made in code). */
    public static TransportSecurity levelsOnly(TlsSettings settings, X509TrustManager trust) {
        return new TransportSecurity(settings, trust, null, null);
    }

    @Override
    public void close() throws IOException {
        if (mtaSts != null) {
            mtaSts.close();
        }
    }

    /** A next hop's configured level, the certificate names it accepts, and where the level was set. */
    public record ConfiguredLevel(TlsLevel level, List<String> match, String source) {
    }

    /** Step 1 above: the route's {@code tls}, else {@code delivery.xml}'s {@code <tls><nexthop>}, else {@code <tls level>}. */
    public ConfiguredLevel configured(NextHop nextHop, RouteOptions options) {
        TlsSettings.NextHopTls configured = settings.byNextHop().get(nextHop);
        List<String> match = !options.tlsMatch().isEmpty() ? options.tlsMatch()
            : configured != null && options.tls().isEmpty() ? configured.match() : List.of();
        if (options.tls().isPresent()) {
            return new ConfiguredLevel(options.tls().get(), match, "transport.xml route tls");
        }
        if (configured != null) {
            return new ConfiguredLevel(configured.level(), match, "delivery.xml <tls><nexthop name=\"" + nextHop.asString() + "\">");
        }
        return new ConfiguredLevel(settings.level(), match, "delivery.xml <tls level>");
    }

    public RouteTls route(NextHop nextHop, RouteOptions options, boolean requireTls) {
        ConfiguredLevel configured = configured(nextHop, options);
        TlsLevel level = configured.level();
        List<String> match = configured.match();
        String domain = nextHop instanceof NextHop.MxOf mx ? mx.domain()
            : nextHop instanceof NextHop.Relay relay ? relay.host()
            : nextHop instanceof NextHop.Lmtp lmtp ? lmtp.host() : nextHop.asString();
        // the name whose MX RRset names the hosts (DANE needs it signed); none for a host named in the route
        String mxOf = nextHop instanceof NextHop.MxOf ? domain : nextHop instanceof NextHop.Relay relay && relay.lookupMx() ? relay.host() : null;
        boolean namesSecure = true;
        if (level == TlsLevel.DANE && mxOf != null && dnssec != null) {
            DnssecLookup.Answer mx = await(dnssec.lookup(mxOf, Type.MX));
            if (mx instanceof DnssecLookup.Failed failed) {
                return new RouteTls(domain, level, match, false, Optional.empty(), requireTls,
                    SmtpReply.local(451, TlsPolicy.TLS_FAILURE, "DANE: the MX lookup for " + mxOf + " did not validate: " + failed.reason()));
            }
            namesSecure = mx instanceof DnssecLookup.Secure;
        }
        Optional<MtaStsPolicy> policy = Optional.empty();
        if (mtaSts != null && settings.mtaSts() && nextHop instanceof NextHop.MxOf && (level == TlsLevel.MAY || level == TlsLevel.DANE)) {
            policy = mtaSts.policy(domain).filter(found -> found.mode() != MtaStsPolicy.Mode.NONE);
        }
        return new RouteTls(domain, level, match, namesSecure, policy, requireTls, null);
    }

    public HostTls host(RouteTls route, Target target) {
        if (route.refusal() != null) {
            return new HostTls(null, route.refusal());
        }
        TlsPolicy policy = switch (route.level()) {
            case NONE -> TlsPolicy.none();
            case MAY -> TlsPolicy.may();
            case ENCRYPT -> TlsPolicy.encrypt("encrypt");
            case VERIFY -> TlsPolicy.verified("verify", pkix(route.match().isEmpty() ? List.of(target.host()) : route.match()));
            case SECURE -> TlsPolicy.verified("secure", pkix(route.match().isEmpty()
                ? List.of(route.domain(), "." + route.domain()) : route.match()));
            case DANE -> null;
        };
        if (policy == null) {
            HostTls dane = dane(route, target);
            if (dane.refusal() != null) {
                return dane;
            }
            policy = dane.policy();
        }
        if (route.mtaSts().isPresent() && policy.attempt() && !policy.mandatory()) {
            MtaStsPolicy sts = route.mtaSts().get();
            MtaStsCheck check = new MtaStsCheck(sts, target.host(), pkix(List.of(target.host())));
            if (sts.mode() == MtaStsPolicy.Mode.ENFORCE) {
                if (!sts.matches(target.host())) {
                    return new HostTls(null, SmtpReply.local(451, TlsPolicy.TLS_FAILURE, "MTA-STS: " + target.host()
                        + " is not an MX host of the policy of " + route.domain() + " (mx " + sts.mx() + ")"));
                }
                policy = TlsPolicy.verified("mta-sts", check);
            } else {
                policy = policy.reporting(check);
            }
        }
        if (route.requireTls()) {
            if (!policy.verifies()) {
                policy = TlsPolicy.verified("requiretls", pkix(List.of(target.host())));
            }
            policy = policy.failingWith(550, "5.7.10");
        }
        return new HostTls(policy, null);
    }

    private HostTls dane(RouteTls route, Target target) {
        if (dnssec == null) {
            return new HostTls(null, SmtpReply.local(451, TlsPolicy.TLS_FAILURE, "DANE: no DNSSEC-validating resolver configured"));
        }
        if (!route.hostNamesSecure()) {
            return new HostTls(TlsPolicy.may("dane:may"), null);
        }
        DnssecLookup.Answer answer = await(dnssec.tlsa(target.host(), target.port()));
        if (answer instanceof DnssecLookup.Failed failed) {
            return new HostTls(null, SmtpReply.local(451, TlsPolicy.TLS_FAILURE, "DANE: TLSA lookup for _" + target.port() + "._tcp."
                + target.host() + " failed: " + failed.reason()));
        }
        if (!(answer instanceof DnssecLookup.Secure secure) || secure.records().isEmpty()) {
            return new HostTls(TlsPolicy.may("dane:may"), null);
        }
        List<Tlsa> records = DnssecLookup.tlsaRecords(secure);
        if (records.stream().noneMatch(Tlsa::usable)) {
            return new HostTls(TlsPolicy.encrypt("dane:encrypt"), null);
        }
        return new HostTls(TlsPolicy.verified("dane", new org.postern.smtp.client.DaneCheck(records,
            List.of(target.host(), route.domain()))), null);
    }

    private PkixCheck pkix(List<String> names) {
        return new PkixCheck(trust, names);
    }

    private static DnssecLookup.Answer await(java.util.concurrent.CompletionStage<DnssecLookup.Answer> answer) {
        try {
            return answer.toCompletableFuture().get(LOOKUP_LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DnssecLookup.Failed("interrupted");
        } catch (Exception e) {
            return new DnssecLookup.Failed(e.toString());
        }
    }
}
