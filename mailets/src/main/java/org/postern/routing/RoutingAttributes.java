package org.postern.routing;

import org.apache.mailet.AttributeName;

/** The routing decision, stored on the mail so that matchers in XML can branch on it and delivery never re-decides. */
public final class RoutingAttributes {
    /** "mx:example.com", "smtp:[10.0.0.5]:2525", "smtp:relay.example:25", "local", "discard" or "error". */
    public static final AttributeName NEXT_HOP = AttributeName.of("org.postern.routing.nextHop");
    /** Human-readable: the table entry that chose the route, the hosts and their addresses. */
    public static final AttributeName ROUTE = AttributeName.of("org.postern.routing.route");
    /** For "error": the enhanced status and the reason, e.g. "5.1.2 domain x.test not found in DNS". */
    public static final AttributeName ERROR = AttributeName.of("org.postern.routing.error");
    /** How often routing was deferred for a temporary error. */
    public static final AttributeName ATTEMPTS = AttributeName.of("org.postern.routing.attempts");

    private RoutingAttributes() {
    }
}
