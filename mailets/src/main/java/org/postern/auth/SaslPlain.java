package org.postern.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The client's side of a SASL exchange as SMTP AUTH (RFC 4954) and POP3 AUTH (RFC 5034) carry it, read strictly:
 * base64 with its padding (RFC 4648), "=" for an empty response, and the PLAIN message
 * {@code [authzid] NUL authcid NUL passwd} (RFC 4616) with a non-empty user and password. One reader for both
 * protocols, so that they accept and refuse exactly the same responses.
 */
public record SaslPlain(String authorizationId, String user, String password) {
    /** The decoded text of one response line (without its line ending), empty when it is not strict base64. */
    public static Optional<String> decode(String response) {
        if (response.equals("=")) {
            return Optional.of("");
        }
        if (response.isEmpty() || response.length() % 4 != 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new String(Base64.getDecoder().decode(response), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The PLAIN message of one response line, empty when it is not well formed. */
    public static Optional<SaslPlain> parse(String response) {
        return decode(response).flatMap(decoded -> {
            String[] parts = decoded.split("\0", -1);
            if (parts.length != 3 || parts[1].isEmpty() || parts[2].isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new SaslPlain(parts[0], parts[1], parts[2]));
        });
    }

    /** Postern lets nobody act as someone else: the authorization identity must be absent or the user. */
    public boolean actsAsSomeoneElse() {
        return !authorizationId.isEmpty() && !authorizationId.equals(user);
    }
}
