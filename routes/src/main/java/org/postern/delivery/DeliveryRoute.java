package org.postern.delivery;

import java.util.List;
import java.util.Optional;

import org.postern.routing.NextHop;
import org.postern.routing.RouteOptions;
import org.postern.smtp.client.Protocol;
import org.postern.smtp.client.Target;

/**
 * Where and how one attempt delivers: the next hop (as recorded, or as routed afresh), its hosts in order, SMTP or
 * LMTP, and the route's options from {@code transport.xml} (TLS level, credentials, source address); for a
 * {@code camel:} next hop, the endpoint instead of hosts.
 */
public record DeliveryRoute(NextHop nextHop, List<Target> targets, Protocol protocol, RouteOptions options, Optional<String> endpoint) {
    public DeliveryRoute {
        targets = List.copyOf(targets);
    }

    /** Plain SMTP to these hosts, delivery.xml deciding everything else. */
    public static DeliveryRoute smtp(NextHop nextHop, List<Target> targets) {
        return new DeliveryRoute(nextHop, targets, Protocol.SMTP, RouteOptions.NONE, Optional.empty());
    }

    public static DeliveryRoute endpoint(NextHop nextHop, String uri) {
        return new DeliveryRoute(nextHop, List.of(), Protocol.SMTP, RouteOptions.NONE, Optional.of(uri));
    }

    public DeliveryRoute withOptions(RouteOptions other) {
        return new DeliveryRoute(nextHop, targets, protocol, other, endpoint);
    }
}
