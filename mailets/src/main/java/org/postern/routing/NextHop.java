package org.postern.routing;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where mail for a domain goes, as a transport table action says it (Postfix's transport_maps syntax):
 * <ul>
 *   <li>{@code mx}: the domain's own MX hosts (the default)</li>
 *   <li>{@code smtp:[host]:port}: that host, no MX lookup; {@code smtp:host:port}: the MX hosts of {@code host}</li>
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
    record Relay(String host, int port, boolean lookupMx, Optional<Credentials> credentials, boolean requireTls) implements NextHop {
        @Override
        public String asString() {
            return "smtp:" + (lookupMx ? host : "[" + host + "]") + ":" + port;
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

    record Credentials(String user, String password) {
        @Override
        public String toString() {
            return "Credentials[user=" + user + ", password=***]";
        }
    }

    Pattern SMTP = Pattern.compile("smtp:(\\[([^\\]]+)]|([A-Za-z0-9.-]+))(?::(\\d{1,5}))?");
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
            int port = smtp.group(4) == null ? 25 : Integer.parseInt(smtp.group(4));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1-65535");
            }
            return new Relay(bracketed ? smtp.group(2) : smtp.group(3), port, !bracketed, Optional.empty(), false);
        }
        Matcher error = ERROR.matcher(text);
        if (error.matches()) {
            return new Error(error.group(1), error.group(2).trim());
        }
        throw new IllegalArgumentException("expected mx, smtp:[host]:port, smtp:host:port, local, discard or error:5.x.x text");
    }
}
