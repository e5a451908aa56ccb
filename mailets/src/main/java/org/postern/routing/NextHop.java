package org.postern.routing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where mail for a domain goes, as a transport table action says it (Postfix's transport_maps syntax):
 * <ul>
 *   <li>{@code mx}: the domain's own MX hosts (the default)</li>
 *   <li>{@code smtp:[host]:port}: that host, no MX lookup; {@code smtp:host:port}: the MX hosts of {@code host}</li>
 *   <li>{@code lmtp:[host]:port}: that host over LMTP (RFC 2033; port 24 when not given), e.g. a mailbox server</li>
 *   <li>{@code camel:<endpoint>}: an admin-defined Camel route (its success delivers, its exception defers)</li>
 *   <li>{@code local}: a mailbox here; {@code discard}: accepted and dropped</li>
 *   <li>{@code error:5.x.x text}: refused with that status and text</li>
 * </ul>
 */
public sealed interface NextHop {
    /** The action text, as it would be written in the table. */
    String asString();

    record Mx() implements NextHop {
        @Override
        public String asString() {
            return "mx";
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

        public boolean isPermanent() {
            return status.startsWith("5");
        }
    }

    Pattern SMTP = Pattern.compile("smtp:(\\[([^\\]]+)]|([A-Za-z0-9.-]+))(?::(\\d{1,5}))?");
    Pattern LMTP = Pattern.compile("lmtp:\\[([^\\]]+)](?::(\\d{1,5}))?");
    Pattern CAMEL = Pattern.compile("camel:([A-Za-z][A-Za-z0-9+.-]*:\\S+)");
    Pattern ERROR = Pattern.compile("error:([45]\\.\\d{1,3}\\.\\d{1,3})\\s+(\\S.*)");

    /** Parses an action; throws {@link IllegalArgumentException} saying what is wrong. */
    static NextHop parse(String action) {
        String text = action == null ? "" : action.trim();
        switch (text) {
            case "mx":
                return new Mx();
            case "local":
                return new Local();
            case "discard":
                return new Discard();
            default:
                break;
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
        throw new IllegalArgumentException("expected mx, smtp:[host]:port, smtp:host:port, lmtp:[host]:port, camel:endpoint, "
            + "local, discard or error:5.x.x text");
    }

    private static int port(String text, int fallback) {
        int port = text == null ? fallback : Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535");
        }
        return port;
    }
}
