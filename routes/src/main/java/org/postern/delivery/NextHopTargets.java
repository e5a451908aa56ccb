package org.postern.delivery;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.postern.dns.MxHost;
import org.postern.dns.MxLookup;
import org.postern.dns.MxResult;
import org.postern.routing.NextHop;
import org.postern.routing.NextHopResolver;
import org.postern.routing.ResolveNextHop;
import org.postern.routing.Route;
import org.postern.routing.RouteOptions;
import org.postern.routing.RoutingServices;
import org.postern.smtp.client.Protocol;
import org.postern.smtp.client.SmtpReply;
import org.postern.smtp.client.Target;

/**
 * The route of a recorded next hop, looked up again at each attempt (host addresses are DNS data with TTLs; the
 * decision itself, the next hop, was made by {@code ResolveNextHop} and is not revisited): {@code mx:domain} gives
 * the domain's MX hosts on port 25 (or transport.xml's {@code mxPort}), {@code smtp:host:port} the MX hosts of host, {@code smtp:[host]:port} and
 * {@code lmtp:[host]:port} that host, {@code camel:endpoint} the endpoint. The route's options (TLS level,
 * credentials, source address) come from the transport table's entry for that next hop. A mail handed off with a
 * temporary routing error ({@code error}) is routed afresh through the transport table. A DNS failure is temporary
 * (4.4.3), NXDOMAIN and null MX permanent.
 */
public class NextHopTargets {
    private static final long LOOKUP_LIMIT_SECONDS = 60;

    /** Either the route, or the reply that stands for why there is none. */
    public record Resolution(DeliveryRoute route, SmtpReply failure) {
        public List<Target> targets() {
            return route == null ? List.of() : route.targets();
        }
    }

    private final RoutingServices routing;
    private volatile NextHopResolver table;

    public NextHopTargets(RoutingServices routing) {
        this.routing = routing;
    }

    public Resolution resolve(String nextHop, String recipientDomain) {
        try {
            Resolution resolution = lookup(nextHop, recipientDomain).toCompletableFuture().get(LOOKUP_LIMIT_SECONDS, TimeUnit.SECONDS);
            if (resolution.route() == null) {
                return resolution;
            }
            RouteOptions options = table().entryFor(resolution.route().nextHop(), recipientDomain).options();
            return new Resolution(resolution.route().withOptions(options), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failure(SmtpReply.local(451, MxResult.TryAgain.STATUS, "interrupted while resolving " + nextHop));
        } catch (Exception e) {
            return failure(SmtpReply.local(451, MxResult.TryAgain.STATUS, "resolving " + nextHop + " failed: " + e));
        }
    }

    /** The live transport table (it reloads itself when the file changes), looked up once. */
    private NextHopResolver table() throws Exception {
        NextHopResolver current = table;
        if (current == null) {
            current = routing.resolver(ResolveNextHop.DEFAULT_TABLE);
            table = current;
        }
        return current;
    }

    private CompletionStage<Resolution> lookup(String recorded, String recipientDomain) throws Exception {
        MxLookup mx = routing.mxLookup();
        NextHop nextHop = parse(recorded);
        if (nextHop instanceof NextHop.MxOf mxOf) {
            int port = table().mxPort();
            return mx.lookup(mxOf.domain()).thenApply(result -> fromDns(mxOf, Protocol.SMTP, result, port));
        }
        if (nextHop instanceof NextHop.Camel camel) {
            return CompletableFuture.completedFuture(new Resolution(DeliveryRoute.endpoint(camel, camel.endpoint()), null));
        }
        if (nextHop instanceof NextHop.Lmtp lmtp) {
            return mx.hostAddresses(lmtp.host()).thenApply(result -> fromDns(lmtp, Protocol.LMTP, result, lmtp.port()));
        }
        if (nextHop instanceof NextHop.Relay relay) {
            return (relay.lookupMx() ? mx.lookup(relay.host()) : mx.hostAddresses(relay.host()))
                .thenApply(result -> fromDns(relay, Protocol.SMTP, result, relay.port()));
        }
        return table().resolve(recipientDomain).thenCompose(route -> fromRoute(route, mx));
    }

    /** The recorded next hop; none recorded, or text that is not one, is routed afresh like {@code error}. */
    private static NextHop parse(String recorded) {
        try {
            return recorded == null ? new NextHop.NoRoute() : NextHop.parse(recorded);
        } catch (IllegalArgumentException e) {
            return new NextHop.NoRoute();
        }
    }

    private static CompletionStage<Resolution> fromRoute(Route route, MxLookup mx) {
        if (route.outcome() instanceof Route.Deliver deliver) {
            Protocol protocol = route.entry().nextHop() instanceof NextHop.Lmtp ? Protocol.LMTP : Protocol.SMTP;
            return CompletableFuture.completedFuture(new Resolution(new DeliveryRoute(route.nextHop(),
                targets(deliver.hosts(), deliver.port()), protocol, RouteOptions.NONE, Optional.empty()), null));
        }
        if (route.outcome() instanceof Route.Endpoint endpoint) {
            return CompletableFuture.completedFuture(new Resolution(DeliveryRoute.endpoint(route.nextHop(), endpoint.uri()), null));
        }
        if (route.outcome() instanceof Route.Failed failed) {
            return CompletableFuture.completedFuture(failure(SmtpReply.local(failed.permanent() ? 550 : 451, failed.status(), failed.text())));
        }
        return CompletableFuture.completedFuture(failure(SmtpReply.local(550, "5.3.5", "next hop of " + route.domain() + " is now "
            + route.nextHop().asString() + ", not a remote host")));
    }

    private static Resolution fromDns(NextHop nextHop, Protocol protocol, MxResult result, int port) {
        if (result instanceof MxResult.Hosts hosts) {
            return new Resolution(new DeliveryRoute(nextHop, targets(hosts.hosts(), port), protocol, RouteOptions.NONE, Optional.empty()), null);
        }
        if (result instanceof MxResult.NullMx nullMx) {
            return failure(SmtpReply.local(556, MxResult.NullMx.STATUS, "domain " + nullMx.domain() + " accepts no mail (null MX)"));
        }
        if (result instanceof MxResult.NoSuchDomain none) {
            return failure(SmtpReply.local(550, MxResult.NoSuchDomain.STATUS, "domain " + none.domain() + " not found in DNS"));
        }
        MxResult.TryAgain again = (MxResult.TryAgain) result;
        return failure(SmtpReply.local(451, MxResult.TryAgain.STATUS, "DNS lookup for " + again.domain() + " failed: " + again.reason()));
    }

    private static Resolution failure(SmtpReply reply) {
        return new Resolution(null, reply);
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
