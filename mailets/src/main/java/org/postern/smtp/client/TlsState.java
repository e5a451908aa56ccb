package org.postern.smtp.client;

import java.util.Locale;
import java.util.Optional;

/**
 * What a session got: the level it ran under and whether it is in plaintext, encrypted (certificate not checked)
 * or verified, with the TLS protocol and cipher; {@code note} tells a failure that was only reported (MTA-STS
 * {@code testing}) or why a {@code may} session went on in plaintext. Printed as {@code level/status}, e.g.
 * {@code dane/verified}, {@code may/plaintext}: the maillog's and the ledger's {@code tls}.
 */
public record TlsState(String level, Status status, String protocol, String cipher, Optional<String> note) {
    public enum Status { PLAINTEXT, ENCRYPTED, VERIFIED }

    public static TlsState plaintext(String level, Optional<String> note) {
        return new TlsState(level, Status.PLAINTEXT, "", "", note);
    }

    public boolean encrypted() {
        return status != Status.PLAINTEXT;
    }

    public boolean verified() {
        return status == Status.VERIFIED;
    }

    /** {@code level/status}, e.g. {@code secure/verified}. */
    public String summary() {
        return level + "/" + status.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return summary() + (protocol.isEmpty() ? "" : " " + protocol + " " + cipher) + note.map(text -> " (" + text + ")").orElse("");
    }
}
