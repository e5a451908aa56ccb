package org.postern.delivery;

import java.util.Locale;

/**
 * STARTTLS towards a next hop, as Postfix's smtp_tls_security_level: {@code none} never, {@code may} when the
 * server offers it (opportunistic, certificate not checked, a failed handshake counts as a failed host),
 * {@code encrypt} always, with the certificate verified against the JVM's trust store and the host name.
 */
public enum TlsPolicy {
    NONE, MAY, ENCRYPT;

    public static TlsPolicy parse(String text) {
        return switch (text == null ? "" : text.trim().toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "may" -> MAY;
            case "encrypt" -> ENCRYPT;
            default -> throw new IllegalArgumentException("none, may or encrypt");
        };
    }
}
