package org.postern.routing;

import java.util.Optional;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/** The routing decision, stored on the mail so that matchers in XML can branch on it and delivery never re-decides. */
public final class RoutingAttributes {
    /** A {@link NextHop} as text: "mx:example.com", "smtp:[10.0.0.5]:2525", "smtp:relay.example:25", "local", "discard" or "error". */
    public static final AttributeName NEXT_HOP = AttributeName.of("org.postern.routing.nextHop");
    /** Human-readable: the table entry that chose the route, the hosts and their addresses. */
    public static final AttributeName ROUTE = AttributeName.of("org.postern.routing.route");
    /** For "error": the enhanced status and the reason, e.g. "5.1.2 domain x.test not found in DNS". */
    public static final AttributeName ERROR = AttributeName.of("org.postern.routing.error");
    /** How often routing was deferred for a temporary error. */
    public static final AttributeName ATTEMPTS = AttributeName.of("org.postern.routing.attempts");

    private RoutingAttributes() {
    }

    /** The next hop recorded on the mail; empty when none is, or when the text is not one ({@link NextHop#parse}). */
    public static Optional<NextHop> nextHop(Mail mail) {
        return mail.getAttribute(NEXT_HOP).flatMap(attribute -> attribute.getValue().valueAs(String.class)).flatMap(text -> {
            try {
                return Optional.of(NextHop.parse(text));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }

    /** Records the next hop on the mail. */
    public static void setNextHop(Mail mail, NextHop nextHop) {
        mail.setAttribute(new Attribute(NEXT_HOP, AttributeValue.of(nextHop.asString())));
    }
}
