package org.postern.delivery;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.postern.dns.MxHost;
import org.postern.dns.MxLookup;
import org.postern.dns.MxResult;
import org.postern.routing.NextHop;
import org.postern.routing.ResolveNextHop;
import org.postern.routing.Route;
import org.postern.routing.RoutingServices;

/**
 * The hosts of a recorded next hop, looked up again at each attempt (their addresses are DNS data with TTLs; the
 * decision itself, the next hop, was made by {@code ResolveNextHop} and is not revisited): {@code mx:domain} gives
 * the domain's MX hosts on port 25, {@code smtp:host:port} the MX hosts of host, {@code smtp:[host]:port} that
 * host. A mail handed off with a temporary routing error ({@code error}) is routed afresh through the transport
 * table. A DNS failure is temporary (4.4.3), NXDOMAIN and null MX permanent.
 */
public class NextHopTargets {
    private static final long LOOKUP_LIMIT_SECONDS = 60;

    /** Either the targets in order, or the reply that stands for why there are none. */
    public record Resolution(List<Target> targets, SmtpReply failure) {
    }

    private final RoutingServices routing;

    public NextHopTargets(RoutingServices routing) {
        this.routing = routing;
    }

    public Resolution resolve(String nextHop, String recipientDomain) {
        try {
            return lookup(nextHop, recipientDomain).toCompletableFuture().get(LOOKUP_LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Resolution(List.of(), SmtpReply.local(451, MxResult.TryAgain.STATUS, "interrupted while resolving " + nextHop));
        } catch (Exception e) {
            return new Resolution(List.of(), SmtpReply.local(451, MxResult.TryAgain.STATUS, "resolving " + nextHop + " failed: " + e));
        }
    }

    private CompletionStage<Resolution> lookup(String nextHop, String recipientDomain) throws Exception {
        MxLookup mx = routing.mxLookup();
        if (nextHop != null && nextHop.startsWith("mx:")) {
            return mx.lookup(nextHop.substring(3)).thenApply(result -> fromDns(result, 25));
        }
        if (nextHop != null && nextHop.startsWith("smtp:")) {
            NextHop.Relay relay = (NextHop.Relay) NextHop.parse(nextHop);
            return (relay.lookupMx() ? mx.lookup(relay.host()) : mx.hostAddresses(relay.host()))
                .thenApply(result -> fromDns(result, relay.port()));
        }
        return routing.resolver(ResolveNextHop.DEFAULT_TABLE).resolve(recipientDomain).thenApply(NextHopTargets::fromRoute);
    }

    private static Resolution fromRoute(Route route) {
        if (route.outcome() instanceof Route.Deliver deliver) {
            return new Resolution(targets(deliver.hosts(), deliver.port()), null);
        }
        if (route.outcome() instanceof Route.Failed failed) {
            return new Resolution(List.of(), SmtpReply.local(failed.permanent() ? 550 : 451, failed.status(), failed.text()));
        }
        return new Resolution(List.of(), SmtpReply.local(550, "5.3.5", "next hop of " + route.domain() + " is now " + route.nextHop()
            + ", not a remote host"));
    }

    private static Resolution fromDns(MxResult result, int port) {
        if (result instanceof MxResult.Hosts hosts) {
            return new Resolution(targets(hosts.hosts(), port), null);
        }
        if (result instanceof MxResult.NullMx nullMx) {
            return new Resolution(List.of(), SmtpReply.local(556, MxResult.NullMx.STATUS, "domain " + nullMx.domain() + " accepts no mail (null MX)"));
        }
        if (result instanceof MxResult.NoSuchDomain none) {
            return new Resolution(List.of(), SmtpReply.local(550, MxResult.NoSuchDomain.STATUS, "domain " + none.domain() + " not found in DNS"));
        }
        MxResult.TryAgain again = (MxResult.TryAgain) result;
        return new Resolution(List.of(), SmtpReply.local(451, MxResult.TryAgain.STATUS, "DNS lookup for " + again.domain() + " failed: " + again.reason()));
    }

    static List<Target> targets(List<MxHost> hosts, int port) {
        List<Target> targets = new ArrayList<>();
        for (MxHost host : hosts) {
            for (InetAddress address : host.addresses()) {
                targets.add(new Target(host.name(), address, port));
            }
        }
        return targets;
    }

}
