package org.postern.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;

/**
 * Finds the mail exchangers of a domain as RFC 5321 section 5.1 prescribes.
 *
 * <p>Policy: MX records are tried lowest preference first, in random order among equal preferences (load
 * spreading, drawn again for every lookup). A domain without MX records but with an address is its own implicit
 * MX. A single MX of "." is a null MX (RFC 7505): the domain takes no mail. NXDOMAIN, or neither MX nor address,
 * is permanent (5.1.2). A server failure or a timeout is temporary (4.4.3): the caller retries later and never
 * bounces for it. CNAMEs are followed; a truncated UDP answer is asked again over TCP (dnsjava's
 * {@code SimpleResolver} does that). An MX host whose addresses cannot be found is left out; if none is left and
 * one of them failed temporarily, the whole answer is temporary.</p>
 *
 * <p>Caching: a complete answer (hosts and addresses, or a null MX) is kept until the smallest TTL among the
 * records it was built from runs out, so that a warm lookup costs a map read; everything else goes through
 * dnsjava's own TTL cache.</p>
 */
public class MxLookup {
    static final long MAX_CACHE_SECONDS = 86_400;
    static final int MAX_CACHED_DOMAINS = 100_000;
    /** The TTL of an answer that must not be kept (it reflects a temporary failure). */
    private static final long NOT_CACHED = -1;

    private final LookupSession session;
    private final Random random;
    private final LongSupplier nanoClock;
    private final Map<String, Cached> answers = new ConcurrentHashMap<>();
    /** Addresses of MX hosts by name until their TTL runs out: many domains share their MX hosts. */
    private final Map<Name, CachedAddresses> hostAddresses = new ConcurrentHashMap<>();
    private final long minimumTtlNanos;
    private final LongAdder mxLookups = new LongAdder();
    private final LongAdder mxCacheHits = new LongAdder();
    private final LongAdder addressLookups = new LongAdder();
    private final LongAdder addressCacheHits = new LongAdder();

    public MxLookup(Resolver resolver) {
        this(resolver, Duration.ZERO);
    }

    /**
     * {@code minimumTtl}: answers are kept at least this long even when their TTL is shorter (0 included), so that
     * the routing decision and the delivery attempt made a moment later share one lookup.
     */
    public MxLookup(Resolver resolver, Duration minimumTtl) {
        this(resolver, new Random(), System::nanoTime, minimumTtl);
    }

    MxLookup(Resolver resolver, Random random, LongSupplier nanoClock) {
        this(resolver, random, nanoClock, Duration.ZERO);
    }

    MxLookup(Resolver resolver, Random random, LongSupplier nanoClock, Duration minimumTtl) {
        this.minimumTtlNanos = minimumTtl.toNanos();
        this.session = LookupSession.builder()
            .resolver(resolver)
            .clearSearchPath()
            .cache(new Cache(DClass.IN))
            .build();
        this.random = random;
        this.nanoClock = nanoClock;
    }

    public CompletionStage<MxResult> lookup(String domain) {
        Name name;
        try {
            name = absolute(domain);
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(new MxResult.NoSuchDomain(domain));
        }
        String key = name.toString().toLowerCase(Locale.ROOT);
        mxLookups.increment();
        Cached cached = answers.get(key);
        if (cached != null && nanoClock.getAsLong() - cached.expiresAtNanos < 0) {
            mxCacheHits.increment();
            return CompletableFuture.completedFuture(reshuffled(cached.result));
        }
        return session.lookupAsync(name, Type.MX)
            .thenCompose(result -> hasMx(result) ? fromMxRecords(domain, result) : implicitMx(domain, name))
            .exceptionallyCompose(failure -> fromMxFailure(domain, name, unwrap(failure)))
            .thenApply(answer -> remember(key, answer));
    }

    /**
     * Lookups asked of this object so far ({@code mx}: a domain's mail hosts; {@code address}: an MX host's addresses),
     * and how many of them its cache answered: {@code {mx lookups, mx hits, address lookups, address hits}}.
     */
    public long[] counts() {
        return new long[] {mxLookups.sum(), mxCacheHits.sum(), addressLookups.sum(), addressCacheHits.sum()};
    }

    /** Seconds left before the cached answer for this domain is asked again, if one is cached. */
    public java.util.OptionalLong cachedTtlSeconds(String domain) {
        Cached cached = answers.get((domain.endsWith(".") ? domain : domain + ".").toLowerCase(Locale.ROOT));
        long left = cached == null ? -1 : cached.expiresAtNanos - nanoClock.getAsLong();
        return left > 0 ? java.util.OptionalLong.of(TimeUnit.NANOSECONDS.toSeconds(left)) : java.util.OptionalLong.empty();
    }

    /** The addresses of one named host, as an MX-less answer with that host only (for {@code smtp:[host]}). */
    public CompletionStage<MxResult> hostAddresses(String host) {
        if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.contains(":")) {
            try {
                // an address literal: getByName parses it without asking any resolver
                InetAddress literal = InetAddress.getByName(host);
                return CompletableFuture.completedFuture(new MxResult.Hosts(List.of(new MxHost(host, 0, List.of(literal))), true));
            } catch (java.net.UnknownHostException e) {
                return CompletableFuture.completedFuture(new MxResult.NoSuchDomain(host));
            }
        }
        try {
            return implicitMx(host, absolute(host)).thenApply(Timed::result);
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(new MxResult.NoSuchDomain(host));
        }
    }

    private MxResult remember(String key, Timed answer) {
        boolean complete = answer.result instanceof MxResult.Hosts || answer.result instanceof MxResult.NullMx;
        long keep = keptNanos(answer.ttlSeconds);
        if (complete && keep > 0) {
            if (answers.size() >= MAX_CACHED_DOMAINS) {
                answers.clear(); // crude bound; dnsjava's cache still answers the next lookups
            }
            answers.put(key, new Cached(answer.result, nanoClock.getAsLong() + keep));
        }
        return answer.result;
    }

    /** How long to keep an answer with this TTL: at least the minimum TTL; never one that must not be cached. */
    private long keptNanos(long ttlSeconds) {
        if (ttlSeconds == NOT_CACHED) {
            return 0;
        }
        return Math.max(TimeUnit.SECONDS.toNanos(Math.min(ttlSeconds, MAX_CACHE_SECONDS)), minimumTtlNanos);
    }

    private CompletionStage<Timed> fromMxRecords(String domain, LookupResult result) {
        List<MXRecord> mxs = result.getRecords().stream()
            .filter(MXRecord.class::isInstance).map(MXRecord.class::cast).toList();
        long mxTtl = minTtl(result.getRecords());
        if (mxs.size() == 1 && mxs.get(0).getTarget().equals(Name.root)) {
            return CompletableFuture.completedFuture(new Timed(new MxResult.NullMx(domain), mxTtl));
        }
        List<CompletableFuture<Found>> lookups = mxs.stream()
            .map(mx -> addresses(mx.getTarget()).toCompletableFuture())
            .toList();
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
            .thenApply(done -> {
                List<MxHost> usable = new ArrayList<>();
                boolean temporaryFailure = false;
                long ttl = mxTtl;
                for (int i = 0; i < mxs.size(); i++) {
                    Found found = lookups.get(i).join();
                    temporaryFailure |= found.temporaryFailure;
                    if (!found.addresses.isEmpty()) {
                        usable.add(new MxHost(withoutDot(mxs.get(i).getTarget()), mxs.get(i).getPriority(), found.addresses));
                        ttl = Math.min(ttl, found.ttlSeconds);
                    }
                }
                if (!usable.isEmpty()) {
                    return new Timed(reshuffled(new MxResult.Hosts(usable, false)), temporaryFailure ? NOT_CACHED : ttl);
                }
                if (temporaryFailure) {
                    return new Timed(new MxResult.TryAgain(domain, "no address found for any MX host yet"), 0);
                }
                return new Timed(new MxResult.NoSuchDomain(domain), 0);
            });
    }

    private CompletionStage<Timed> fromMxFailure(String domain, Name name, Throwable failure) {
        if (failure instanceof NoSuchDomainException) {
            return CompletableFuture.completedFuture(new Timed(new MxResult.NoSuchDomain(domain), 0));
        }
        if (failure instanceof NoSuchRRSetException) {
            return implicitMx(domain, name);
        }
        return CompletableFuture.completedFuture(new Timed(new MxResult.TryAgain(domain, describe(failure)), 0));
    }

    private static boolean hasMx(LookupResult result) {
        return result.getRecords().stream().anyMatch(MXRecord.class::isInstance);
    }

    /** RFC 5321 5.1: no MX records, so the domain's own addresses are its mail exchanger. */
    private CompletionStage<Timed> implicitMx(String domain, Name name) {
        return addresses(name).thenApply(found -> {
            if (!found.addresses.isEmpty()) {
                return new Timed(new MxResult.Hosts(List.of(new MxHost(withoutDot(name), 0, found.addresses)), true), found.ttlSeconds);
            }
            return found.temporaryFailure
                ? new Timed(new MxResult.TryAgain(domain, "no MX, and the address lookup failed"), 0)
                : new Timed(new MxResult.NoSuchDomain(domain), 0);
        });
    }

    /** A then AAAA of one host; a missing record type is no failure, a server failure is a temporary one. */
    private CompletionStage<Found> addresses(Name host) {
        addressLookups.increment();
        CachedAddresses cached = hostAddresses.get(host);
        long now = nanoClock.getAsLong();
        if (cached != null && now - cached.expiresAtNanos < 0) {
            addressCacheHits.increment();
            return CompletableFuture.completedFuture(cached.found);
        }
        return lookUpAddresses(host).thenApply(found -> {
            long keep = keptNanos(found.ttlSeconds);
            if (!found.temporaryFailure && !found.addresses.isEmpty() && keep > 0) {
                if (hostAddresses.size() >= MAX_CACHED_DOMAINS) {
                    hostAddresses.clear();
                }
                hostAddresses.put(host, new CachedAddresses(found, nanoClock.getAsLong() + keep));
            }
            return found;
        });
    }

    private CompletionStage<Found> lookUpAddresses(Name host) {
        CompletableFuture<Found> v4 = addressesOfType(host, Type.A).toCompletableFuture();
        CompletableFuture<Found> v6 = addressesOfType(host, Type.AAAA).toCompletableFuture();
        return v4.thenCombine(v6, (a, aaaa) -> {
            List<InetAddress> all = new ArrayList<>(a.addresses);
            all.addAll(aaaa.addresses);
            long ttl = Math.min(a.addresses.isEmpty() ? Long.MAX_VALUE : a.ttlSeconds, aaaa.addresses.isEmpty() ? Long.MAX_VALUE : aaaa.ttlSeconds);
            return new Found(all, a.temporaryFailure || aaaa.temporaryFailure, ttl);
        });
    }

    private CompletionStage<Found> addressesOfType(Name host, int type) {
        return session.lookupAsync(host, type)
            .thenApply(result -> new Found(result.getRecords().stream()
                .map(MxLookup::address).filter(Objects::nonNull).toList(), false, minTtl(result.getRecords())))
            .exceptionally(failure -> {
                Throwable cause = unwrap(failure);
                boolean permanent = cause instanceof NoSuchDomainException || cause instanceof NoSuchRRSetException;
                return new Found(List.of(), !permanent, 0);
            });
    }

    /** Lowest preference first; equal preferences in a fresh random order. */
    private MxResult reshuffled(MxResult result) {
        if (!(result instanceof MxResult.Hosts hosts) || hosts.hosts().size() < 2) {
            return result;
        }
        Map<Integer, List<MxHost>> byPreference = hosts.hosts().stream()
            .collect(Collectors.groupingBy(MxHost::preference, TreeMap::new, Collectors.toList()));
        List<MxHost> ordered = new ArrayList<>();
        for (List<MxHost> equal : byPreference.values()) {
            List<MxHost> shuffled = new ArrayList<>(equal);
            shuffled.sort(Comparator.comparing(MxHost::name));
            Collections.shuffle(shuffled, random);
            ordered.addAll(shuffled);
        }
        return new MxResult.Hosts(ordered, hosts.implicit());
    }

    private static long minTtl(List<Record> records) {
        return records.stream().mapToLong(Record::getTTL).min().orElse(0);
    }

    private static InetAddress address(Record record) {
        if (record instanceof ARecord a) {
            return a.getAddress();
        }
        if (record instanceof AAAARecord aaaa) {
            return aaaa.getAddress();
        }
        return null;
    }

    private static Name absolute(String domain) throws TextParseException {
        return Name.fromString(domain.endsWith(".") ? domain : domain + ".");
    }

    private static String withoutDot(Name name) {
        String text = name.toString();
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String describe(Throwable failure) {
        if (failure instanceof TimeoutException || failure instanceof java.net.SocketTimeoutException) {
            return "DNS timeout";
        }
        if (failure instanceof IOException) {
            return "DNS unreachable: " + failure.getMessage();
        }
        return failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    }

    private record Found(List<InetAddress> addresses, boolean temporaryFailure, long ttlSeconds) {
    }

    private record Timed(MxResult result, long ttlSeconds) {
    }

    private record Cached(MxResult result, long expiresAtNanos) {
    }

    private record CachedAddresses(Found found, long expiresAtNanos) {
    }
}
