package org.postern.routing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.postern.dns.MxLookup;
import org.postern.dns.MxResult;

/**
 * Decides the next hop of a domain: the transport table first, then DNS for the entries that need it
 * ({@code mx} and {@code smtp:host}). The one place where that decision is made, shared by the mailet, the
 * matchers and the "where would this go?" endpoint.
 */
public class NextHopResolver {
    private final TransportTableFile table;
    private final MxLookup mx;

    public NextHopResolver(TransportTableFile table, MxLookup mx) {
        this.table = table;
        this.mx = mx;
    }

    public CompletionStage<Route> resolve(String domain) {
        TransportTable.Entry entry = table.lookup(domain);
        NextHop nextHop = entry.nextHop();
        if (nextHop instanceof NextHop.Local) {
            return done(domain, entry, new Route.Local());
        }
        if (nextHop instanceof NextHop.Discard) {
            return done(domain, entry, new Route.Discard());
        }
        if (nextHop instanceof NextHop.Error error) {
            return done(domain, entry, new Route.Failed(error.status(), error.text()));
        }
        if (nextHop instanceof NextHop.Camel camel) {
            return done(domain, entry, new Route.Endpoint(camel.endpoint()));
        }
        if (nextHop instanceof NextHop.Lmtp lmtp) {
            return mx.hostAddresses(lmtp.host()).thenApply(result -> new Route(domain, entry, fromDns(result, lmtp.port())));
        }
        if (nextHop instanceof NextHop.Relay relay) {
            return (relay.lookupMx() ? mx.lookup(relay.host()) : mx.hostAddresses(relay.host()))
                .thenApply(result -> new Route(domain, entry, fromDns(result, relay.port())));
        }
        int port = table.mxPort();
        return mx.lookup(domain).thenApply(result -> new Route(domain, entry, fromDns(result, port)));
    }

    /** The port MX hosts are reached on ({@code transport.xml}'s {@code mxPort}, default 25). */
    public int mxPort() {
        return table.mxPort();
    }

    /** The table entry behind a recorded next hop (its options: TLS level, credentials, source address). */
    public TransportTable.Entry entryFor(NextHop nextHop, String domain) {
        return table.entryFor(nextHop, domain);
    }

    private static CompletionStage<Route> done(String domain, TransportTable.Entry entry, Route.Outcome outcome) {
        return CompletableFuture.completedFuture(new Route(domain, entry, outcome));
    }

    private static Route.Outcome fromDns(MxResult result, int port) {
        if (result instanceof MxResult.Hosts hosts) {
            return new Route.Deliver(hosts.hosts(), port);
        }
        if (result instanceof MxResult.NullMx nullMx) {
            return new Route.Failed(MxResult.NullMx.STATUS, "domain " + nullMx.domain() + " accepts no mail (null MX)");
        }
        if (result instanceof MxResult.NoSuchDomain none) {
            return new Route.Failed(MxResult.NoSuchDomain.STATUS, "domain " + none.domain() + " not found in DNS");
        }
        MxResult.TryAgain again = (MxResult.TryAgain) result;
        return new Route.Failed(MxResult.TryAgain.STATUS, "DNS lookup for " + again.domain() + " failed: " + again.reason());
    }

}
