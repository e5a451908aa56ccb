package org.postern.acceptance;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.apache.james.core.MailAddress;
import org.postern.dns.MxHost;
import org.postern.routing.NextHop;
import org.postern.routing.Route;
import org.postern.smtp.client.Protocol;
import org.postern.smtp.client.Target;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Callout verification with Postfix's address-verify cache: an answer about a recipient is remembered
 * ({@code positiveTtl} for "exists", {@code negativeTtl} for "unknown"); "try later" is never remembered. While a
 * probe for an address runs, other sessions asking about the same address wait for it instead of probing again.
 */
public class CalloutVerifier {
    private static final Logger LOGGER = LoggerFactory.getLogger(CalloutVerifier.class);
    static final int MAX_CACHED = 100_000;

    private record Cached(CalloutAnswer answer, Instant expires) {
    }

    private final CalloutSettings settings;
    private final Function<String, CompletionStage<Route>> routes;
    private final SmtpProbe probe;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<CalloutAnswer>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong probes = new AtomicLong();

    public CalloutVerifier(CalloutSettings settings, Function<String, CompletionStage<Route>> routes, SmtpProbe probe, Clock clock) {
        this.settings = settings;
        this.routes = routes;
        this.probe = probe;
        this.clock = clock;
    }

    public CalloutAnswer verify(MailAddress recipient) {
        String key = recipient.asString().toLowerCase(Locale.ROOT);
        Cached cached = cache.get(key);
        if (cached != null && clock.instant().isBefore(cached.expires())) {
            return cached.answer();
        }
        CompletableFuture<CalloutAnswer> mine = new CompletableFuture<>();
        CompletableFuture<CalloutAnswer> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return running.join();
        }
        try {
            CalloutAnswer answer = probeNow(recipient);
            remember(key, answer);
            mine.complete(answer);
            return answer;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    /** The cached answer, if one is still valid; never probes. */
    public Optional<CalloutAnswer> cached(MailAddress recipient) {
        Cached cached = cache.get(recipient.asString().toLowerCase(Locale.ROOT));
        return cached != null && clock.instant().isBefore(cached.expires()) ? Optional.of(cached.answer()) : Optional.empty();
    }

    /** Probes made since start (each one an SMTP connection to the next hop). */
    public long probes() {
        return probes.get();
    }

    private CalloutAnswer probeNow(MailAddress recipient) {
        Route route;
        try {
            route = routes.apply(recipient.getDomain().asString()).toCompletableFuture()
                .get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return new CalloutAnswer.TryLater("4.4.3", "next hop of " + recipient.getDomain().asString() + " not found: " + e);
        }
        if (route.outcome() instanceof Route.Failed failed) {
            return new CalloutAnswer.TryLater(failed.permanent() ? "4.4.0" : "4.4.3", failed.text());
        }
        if (!(route.outcome() instanceof Route.Deliver deliver)) {
            return new CalloutAnswer.TryLater("4.3.5", "next hop " + route.nextHop().asString() + " of a relay domain cannot be asked");
        }
        probes.incrementAndGet();
        Protocol protocol = route.entry().nextHop() instanceof NextHop.Lmtp ? Protocol.LMTP : Protocol.SMTP;
        CalloutAnswer answer = probe.probe(targets(deliver), protocol, recipient);
        LOGGER.info("callout <{}> via {}: {}", recipient.asString(), route.nextHop().asString(), answer);
        return answer;
    }

    private static List<Target> targets(Route.Deliver deliver) {
        List<Target> targets = new ArrayList<>();
        for (MxHost host : deliver.hosts()) {
            for (InetAddress address : host.addresses()) {
                targets.add(new Target(host.name(), address, deliver.port()));
            }
        }
        return targets;
    }

    private void remember(String key, CalloutAnswer answer) {
        Duration ttl;
        if (answer instanceof CalloutAnswer.Exists) {
            ttl = settings.positiveTtl();
        } else if (answer instanceof CalloutAnswer.Unknown) {
            ttl = settings.negativeTtl();
        } else {
            return;
        }
        if (cache.size() >= MAX_CACHED) {
            Instant now = clock.instant();
            cache.values().removeIf(entry -> !now.isBefore(entry.expires()));
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
        }
        cache.put(key, new Cached(answer, clock.instant().plus(ttl)));
    }
}
