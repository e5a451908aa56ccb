package org.postern.routing;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where mail for a domain goes: the one type and the one text form ({@link #parse}, {@link #asString}) of a next hop,
 * both as a transport table action says it (Postfix's transport_maps syntax) and as {@code ResolveNextHop} records
 * it on the mail ({@code RoutingAttributes.NEXT_HOP}, kept in the outbound queue):
 * <ul>
 *   <li>{@code mx}: the domain's own MX hosts (the default action); recorded as {@code mx:domain} ({@link MxOf})</li>
 *   <li>{@code smtp:[host]:port}: that host, no MX lookup; {@code smtp:host:port}: the MX hosts of {@code host}</li>
 *   <li>{@code lmtp:[host]:port}: that host over LMTP (RFC 2033; port 24 when not given), e.g. a mailbox server</li>
 *   <li>{@code camel:<endpoint>}: an admin-defined Camel route (its success delivers, its exception defers)</li>
 *   <li>{@code local}: a mailbox here; {@code discard}: accepted and dropped</li>
 *   <li>{@code error:5.x.x text}: refused with that status and text; recorded as {@code error} ({@link NoRoute}),
 *       the status going into its own attribute</li>
 * </ul>
 * A recorded next hop is the action with the recipient's domain filled in ({@link #routedFor}); {@code mx:domain}
 * and {@code error} are recorded only and never table actions ({@link #parseAction}).
 */
public sealed interface NextHop {
    /** The text form: the table action, or the recorded next hop. */
    String asString();

    /** What {@code ResolveNextHop} records for {@code domain} when this action routes it: {@code mx} becomes {@code mx:domain}. */
    default NextHop routedFor(String domain) {
        return this;
    }

    /** Whether a transport table may name it: false for the recorded-only forms {@code mx:domain} and {@code error}. */
    default boolean isAction() {
        return true;
    }

    /**
     * Whether {@code name} names this next hop, the port or anything after it optional: {@code mx} names every
     * {@code mx:domain}, {@code smtp:[relay.example]} names {@code smtp:[relay.example]:25} (what {@code NextHopIs} compares).
     */
    default boolean isNamedBy(String name) {
        String text = asString();
        return text.equals(name) || text.startsWith(name + ":");
    }

    /** The domain's own MX hosts: the table action, not yet bound to a domain. */
    record Mx() implements NextHop {
        @Override
        public String asString() {
            return "mx";
        }

        @Override
        public NextHop routedFor(String domain) {
            return new MxOf(domain);
        }
    }

    /** The MX hosts of {@code domain} (lower case, no trailing dot), reached on transport.xml's {@code mxPort}: a routed {@code mx}. */
    record MxOf(String domain) implements NextHop {
        public MxOf {
            String lower = domain.trim().toLowerCase(Locale.ROOT);
            domain = lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
            if (domain.isEmpty()) {
                throw new IllegalArgumentException("mx: needs a domain");
            }
        }

        @Override
        public String asString() {
            return "mx:" + domain;
        }

        @Override
        public boolean isAction() {
            return false;
        }
    }

    /** A relay host; {@code lookupMx} is false for the bracketed form. */
    record Relay(String host, int port, boolean lookupMx) implements NextHop {
        @Override
        public String asString() {
            return "smtp:" + (lookupMx ? host : "[" + host + "]") + ":" + port;
        }
    }

    /** An LMTP server (its addresses, no MX lookup). */
    record Lmtp(String host, int port) implements NextHop {
        public static final int DEFAULT_PORT = 24;

        @Override
        public String asString() {
            return "lmtp:[" + host + "]:" + port;
        }
    }

    /** A Camel endpoint URI of the delivery CamelContext, e.g. {@code direct:archive}. */
    record Camel(String endpoint) implements NextHop {
        @Override
        public String asString() {
            return "camel:" + endpoint;
        }
    }

    record Local() implements NextHop {
        @Override
        public String asString() {
            return "local";
        }
    }

    record Discard() implements NextHop {
        @Override
        public String asString() {
            return "discard";
        }
    }

    record Error(String status, String text) implements NextHop {
        @Override
        public String asString() {
            return "error:" + status + " " + text;
        }

        @Override
        public NextHop routedFor(String domain) {
            return new NoRoute();
        }

        public boolean isPermanent() {
            return status.startsWith("5");
        }
    }

    /** No route was found (an {@code error:} action, or DNS said no); the status and reason are in their own attribute. */
    record NoRoute() implements NextHop {
        @Override
        public String asString() {
            return "error";
        }

        @Override
        public boolean isAction() {
            return false;
        }
    }

    Pattern SMTP = Pattern.compile("smtp:(\\[([^\\]]+)]|([A-Za-z0-9.-]+))(?::(\\d{1,5}))?");
    Pattern LMTP = Pattern.compile("lmtp:\\[([^\\]]+)](?::(\\d{1,5}))?");
    Pattern CAMEL = Pattern.compile("camel:([A-Za-z][A-Za-z0-9+.-]*:\\S+)");
    Pattern ERROR = Pattern.compile("error:([45]\\.\\d{1,3}\\.\\d{1,3})\\s+(\\S.*)");
    Pattern MX_OF = Pattern.compile("mx:(\\S+)");
    String ACTIONS = "mx, smtp:[host]:port, smtp:host:port, lmtp:[host]:port, camel:endpoint, local, discard or error:5.x.x text";

    /** Parses a transport table action (a recorded-only form is refused); throws {@link IllegalArgumentException} saying what is wrong. */
    static NextHop parseAction(String action) {
        NextHop nextHop = parse(action);
        if (!nextHop.isAction()) {
            throw new IllegalArgumentException("expected " + ACTIONS + " ('" + nextHop.asString() + "' is what routing records)");
        }
        return nextHop;
    }

    /**
     * Parses any text form, an action or a recorded next hop (also those queued by earlier versions, which used the
     * same text); throws {@link IllegalArgumentException} saying what is wrong.
     */
    static NextHop parse(String action) {
        String text = action == null ? "" : action.trim();
        switch (text) {
            case "mx":
                return new Mx();
            case "local":
                return new Local();
            case "discard":
                return new Discard();
            case "error":
                return new NoRoute();
            default:
                break;
        }
        Matcher mxOf = MX_OF.matcher(text);
        if (mxOf.matches()) {
            return new MxOf(mxOf.group(1));
        }
        Matcher smtp = SMTP.matcher(text);
        if (smtp.matches()) {
            boolean bracketed = smtp.group(2) != null;
            return new Relay(bracketed ? smtp.group(2) : smtp.group(3), port(smtp.group(4), 25), !bracketed);
        }
        Matcher lmtp = LMTP.matcher(text);
        if (lmtp.matches()) {
            return new Lmtp(lmtp.group(1), port(lmtp.group(2), Lmtp.DEFAULT_PORT));
        }
        Matcher camel = CAMEL.matcher(text);
        if (camel.matches()) {
            return new Camel(camel.group(1));
        }
        Matcher error = ERROR.matcher(text);
        if (error.matches()) {
            return new Error(error.group(1), error.group(2).trim());
        }
        throw new IllegalArgumentException("expected " + ACTIONS);
    }

    private static int port(String text, int fallback) {
        int port = text == null ? fallback : Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535");
        }
        return port;
    }
}
