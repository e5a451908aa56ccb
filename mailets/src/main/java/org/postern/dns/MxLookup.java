package org.postern.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
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
 * spreading). A domain without MX records but with an address is its own implicit MX. A single MX of "." is a
 * null MX (RFC 7505): the domain takes no mail. NXDOMAIN, or neither MX nor address, is permanent (5.1.2). A
 * server failure or a timeout is temporary (4.4.3): the caller retries later and never bounces for it. CNAMEs are
 * followed; answers are cached for their TTL; a truncated UDP answer is asked again over TCP (dnsjava's
 * {@code SimpleResolver} does that). An MX host whose addresses cannot be found is left out; if none is left and
 * one of them failed temporarily, the whole answer is temporary.</p>
 */
public class MxLookup {
    private final LookupSession session;
    private final Random random;

    public MxLookup(Resolver resolver) {
        this(resolver, new Random());
    }

    MxLookup(Resolver resolver, Random random) {
        this.session = LookupSession.builder()
            .resolver(resolver)
            .clearSearchPath()
            .cache(new Cache(DClass.IN))
            .build();
        this.random = random;
    }

    public CompletionStage<MxResult> lookup(String domain) {
        Name name;
        try {
            name = Name.fromString(domain.endsWith(".") ? domain : domain + ".");
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(new MxResult.NoSuchDomain(domain));
        }
        return session.lookupAsync(name, Type.MX)
            .thenCompose(result -> hasMx(result) ? fromMxRecords(domain, result) : implicitMx(domain, name))
            .exceptionallyCompose(failure -> fromMxFailure(domain, name, unwrap(failure)));
    }

    /** The addresses of one named host, as an MX-less answer with that host only (for {@code smtp:[host]}). */
    public CompletionStage<MxResult> hostAddresses(String host) {
        Name name;
        try {
            name = Name.fromString(host.endsWith(".") ? host : host + ".");
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(new MxResult.NoSuchDomain(host));
        }
        if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.contains(":")) {
            try {
                // an address literal: getByName parses it without asking any resolver
                InetAddress literal = InetAddress.getByName(host);
                return CompletableFuture.completedFuture(new MxResult.Hosts(List.of(new MxHost(host, 0, List.of(literal))), true));
            } catch (java.net.UnknownHostException e) {
                return CompletableFuture.completedFuture(new MxResult.NoSuchDomain(host));
            }
        }
        return implicitMx(host, name);
    }

    private CompletionStage<MxResult> fromMxRecords(String domain, LookupResult result) {
        List<MXRecord> mxs = result.getRecords().stream()
            .filter(MXRecord.class::isInstance).map(MXRecord.class::cast).toList();
        if (mxs.size() == 1 && mxs.get(0).getTarget().equals(Name.root)) {
            return CompletableFuture.completedFuture(new MxResult.NullMx(domain));
        }
        List<MXRecord> ordered = orderByPreference(mxs);
        List<CompletableFuture<HostAddresses>> hosts = ordered.stream()
            .map(mx -> addresses(mx.getTarget()).toCompletableFuture()
                .thenApply(found -> new HostAddresses(new MxHost(withoutDot(mx.getTarget()), mx.getPriority(), found.addresses), found.temporaryFailure)))
            .toList();
        return CompletableFuture.allOf(hosts.toArray(CompletableFuture[]::new))
            .thenApply(done -> {
                List<HostAddresses> all = hosts.stream().map(CompletableFuture::join).toList();
                List<MxHost> usable = all.stream().map(HostAddresses::host).filter(host -> !host.addresses().isEmpty()).toList();
                if (!usable.isEmpty()) {
                    return new MxResult.Hosts(usable, false);
                }
                if (all.stream().anyMatch(HostAddresses::temporaryFailure)) {
                    return new MxResult.TryAgain(domain, "no address found for any MX host yet");
                }
                return new MxResult.NoSuchDomain(domain);
            });
    }

    private CompletionStage<MxResult> fromMxFailure(String domain, Name name, Throwable failure) {
        if (failure instanceof NoSuchDomainException) {
            return CompletableFuture.completedFuture(new MxResult.NoSuchDomain(domain));
        }
        if (failure instanceof NoSuchRRSetException) {
            return implicitMx(domain, name);
        }
        return CompletableFuture.completedFuture(new MxResult.TryAgain(domain, describe(failure)));
    }

    private static boolean hasMx(LookupResult result) {
        return result.getRecords().stream().anyMatch(MXRecord.class::isInstance);
    }

    /** RFC 5321 5.1: no MX records, so the domain's own addresses are its mail exchanger. */
    private CompletionStage<MxResult> implicitMx(String domain, Name name) {
        return addresses(name).thenApply(found -> {
            if (!found.addresses.isEmpty()) {
                return new MxResult.Hosts(List.of(new MxHost(withoutDot(name), 0, found.addresses)), true);
            }
            return found.temporaryFailure
                ? new MxResult.TryAgain(domain, "no MX, and the address lookup failed")
                : new MxResult.NoSuchDomain(domain);
        });
    }

    /** A then AAAA of one host; a missing record type is no failure, a server failure is a temporary one. */
    private CompletionStage<Found> addresses(Name host) {
        CompletableFuture<Found> v4 = addressesOfType(host, Type.A).toCompletableFuture();
        CompletableFuture<Found> v6 = addressesOfType(host, Type.AAAA).toCompletableFuture();
        return v4.thenCombine(v6, (a, aaaa) -> {
            List<InetAddress> all = new ArrayList<>(a.addresses);
            all.addAll(aaaa.addresses);
            return new Found(all, a.temporaryFailure || aaaa.temporaryFailure);
        });
    }

    private CompletionStage<Found> addressesOfType(Name host, int type) {
        return session.lookupAsync(host, type)
            .thenApply(result -> new Found(result.getRecords().stream()
                .map(MxLookup::address).filter(java.util.Objects::nonNull).toList(), false))
            .exceptionally(failure -> {
                Throwable cause = unwrap(failure);
                boolean permanent = cause instanceof NoSuchDomainException || cause instanceof NoSuchRRSetException;
                return new Found(List.of(), !permanent);
            });
    }

    private List<MXRecord> orderByPreference(List<MXRecord> mxs) {
        Map<Integer, List<MXRecord>> byPreference = mxs.stream()
            .collect(Collectors.groupingBy(MXRecord::getPriority, java.util.TreeMap::new, Collectors.toList()));
        List<MXRecord> ordered = new ArrayList<>();
        byPreference.values().forEach(equal -> {
            List<MXRecord> shuffled = new ArrayList<>(equal);
            shuffled.sort(Comparator.comparing(mx -> mx.getTarget().toString()));
            java.util.Collections.shuffle(shuffled, random);
            ordered.addAll(shuffled);
        });
        return ordered;
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

    private record Found(List<InetAddress> addresses, boolean temporaryFailure) {
    }

    private record HostAddresses(MxHost host, boolean temporaryFailure) {
    }
}
