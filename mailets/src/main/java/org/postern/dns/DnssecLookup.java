package org.postern.dns;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.postern.smtp.client.Tlsa;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * DNS answers that count only when DNSSEC vouches for them (DANE, RFC 7672 section 2.1): dnsjava's
 * {@link ValidatingResolver} over the configured servers, from trust anchors (the root's key-signing keys unless
 * configured otherwise). Each answer is {@link Secure} (validated; the records, possibly none), {@link Insecure}
 * (no chain of trust reaches it: an unsigned zone) or {@link Failed} (bogus, or no answer: a caller must not fall
 * back to weaker security on it). Secure and insecure answers are kept for their TTL (5 minutes for empty ones,
 * an hour at most); failures are not kept.
 */
public class DnssecLookup {
    static final long EMPTY_ANSWER_SECONDS = 300;
    static final long MAX_CACHE_SECONDS = 3_600;
    static final int MAX_CACHED = 100_000;
    static final String ROOT_ANCHORS = "root-anchors.txt";

    public sealed interface Answer {
    }

    /** Validated: these are the records of the type asked for (none: the name or type provably does not exist). */
    public record Secure(List<Record> records) implements Answer {
    }

    /** Not signed: the answer cannot be trusted to be complete, nor to exist. */
    public record Insecure() implements Answer {
    }

    /** Bogus (validation failed) or no usable answer. */
    public record Failed(String reason) implements Answer {
    }

    private final ValidatingResolver resolver;
    private final LongSupplier nanoClock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Answer answer, long expiresAtNanos) {
    }

    /** {@code trustAnchors}: DS or DNSKEY records in zone-file form. */
    public DnssecLookup(Resolver upstream, InputStream trustAnchors) throws IOException {
        this(upstream, trustAnchors, System::nanoTime);
    }

    DnssecLookup(Resolver upstream, InputStream trustAnchors, LongSupplier nanoClock) throws IOException {
        this.resolver = new ValidatingResolver(upstream);
        // the validator explains a failure in the additional section (dnsjava's default), read by reason()
        this.resolver.loadTrustAnchors(trustAnchors);
        this.nanoClock = nanoClock;
    }

    /** With the root zone's key-signing keys as the trust anchors. */
    public static DnssecLookup withRootAnchors(Resolver upstream) throws IOException {
        try (InputStream anchors = DnssecLookup.class.getResourceAsStream(ROOT_ANCHORS)) {
            return new DnssecLookup(upstream, anchors);
        }
    }

    /** The DANE records of an SMTP server: {@code _port._tcp.host} TLSA (RFC 7672 section 2.2.2). */
    public CompletionStage<Answer> tlsa(String host, int port) {
        return lookup("_" + port + "._tcp." + host, Type.TLSA);
    }

    /** The TLSA records of a secure answer, as the SMTP client's {@link Tlsa}. */
    public static List<Tlsa> tlsaRecords(Secure answer) {
        return answer.records().stream().filter(TLSARecord.class::isInstance).map(TLSARecord.class::cast)
            .map(tlsa -> new Tlsa(tlsa.getCertificateUsage(), tlsa.getSelector(), tlsa.getMatchingType(),
                tlsa.getCertificateAssociationData()))
            .toList();
    }

    public CompletionStage<Answer> lookup(String owner, int type) {
        Name name;
        try {
            name = Name.fromString(owner.endsWith(".") ? owner : owner + ".");
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(new Failed("not a DNS name: " + owner));
        }
        String key = name.toString().toLowerCase(Locale.ROOT) + "/" + type;
        Cached cached = cache.get(key);
        if (cached != null && nanoClock.getAsLong() - cached.expiresAtNanos < 0) {
            return CompletableFuture.completedFuture(cached.answer);
        }
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        return resolver.sendAsync(query)
            .thenApply(response -> remember(key, answer(response, name, type)))
            .exceptionally(failure -> new Failed("no answer for " + owner + " " + Type.string(type) + ": " + failure));
    }

    private Answer answer(Message response, Name name, int type) {
        int rcode = response.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            return new Failed(Type.string(type) + " " + name + ": " + Rcode.string(rcode) + reason(response));
        }
        if (!response.getHeader().getFlag(Flags.AD)) {
            return new Insecure();
        }
        return new Secure(response.getSection(Section.ANSWER).stream().filter(record -> record.getType() == type).toList());
    }

    /** The validator's explanation, which it adds as a TXT record of a private class. */
    private static String reason(Message response) {
        return response.getSection(Section.ADDITIONAL).stream()
            .filter(record -> record instanceof TXTRecord && record.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS)
            .map(record -> " (" + String.join(" ", ((TXTRecord) record).getStrings()) + ")")
            .findFirst().orElse("");
    }

    private Answer remember(String key, Answer answer) {
        long ttl;
        if (answer instanceof Secure secure && !secure.records().isEmpty()) {
            ttl = secure.records().stream().mapToLong(Record::getTTL).min().orElse(0);
        } else if (answer instanceof Failed) {
            return answer;
        } else {
            ttl = EMPTY_ANSWER_SECONDS;
        }
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(key, new Cached(answer, nanoClock.getAsLong() + TimeUnit.SECONDS.toNanos(Math.min(ttl, MAX_CACHE_SECONDS))));
        return answer;
    }
}
