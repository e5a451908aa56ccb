package org.postern.smtp.client;

import java.util.Locale;

/**
 * Postfix's TLS security levels (smtp_tls_security_level), the words {@code transport.xml} and {@code delivery.xml}
 * use: {@code none} never STARTTLS; {@code may} STARTTLS when offered, any certificate, and after a failed
 * handshake the same host again in plaintext; {@code encrypt} TLS required, any certificate; {@code verify} TLS
 * required, certificate chain trusted and a name matching the MX host (as DNS named it); {@code secure} the same,
 * the name matching the next-hop domain or one of its subdomains (names that DNS cannot forge); {@code dane}
 * DANE (RFC 7672) where the MX host has DNSSEC-signed TLSA records, else {@code may}.
 */
public enum TlsLevel {
    NONE, MAY, ENCRYPT, VERIFY, SECURE, DANE;

    public static final String NAMES = "none, may, encrypt, verify, secure or dane";

    /** Parses a level name; throws {@link IllegalArgumentException} with {@link #NAMES} for anything else. */
    public static TlsLevel parse(String text) {
        String name = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (TlsLevel level : values()) {
            if (level.label().equals(name)) {
                return level;
            }
        }
        throw new IllegalArgumentException(NAMES);
    }

    /** The name as written in configuration and logs. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this level never sends anything in clear (credentials need one of these). */
    public boolean mandatory() {
        return this != NONE && this != MAY && this != DANE;
    }
}
