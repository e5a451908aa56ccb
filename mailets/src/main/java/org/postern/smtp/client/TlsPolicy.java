package org.postern.smtp.client;

import java.util.Optional;

/**
 * What one session requires of TLS, decided before connecting (from the TLS level, DANE, MTA-STS and REQUIRETLS)
 * and enforced by {@link SmtpSession}: whether STARTTLS is tried, whether the host is unusable without it
 * ({@code mandatory}), whether a failed handshake is retried in plaintext ({@code may}, as Postfix does), the
 * {@link CertificateCheck} that decides, one that is only reported (MTA-STS {@code testing}), and the reply that
 * stands for a TLS requirement not met (451 4.7.5, or 550 5.7.10 for a message that asked for REQUIRETLS).
 * {@code level} is the name logged with the outcome.
 */
public record TlsPolicy(String level, boolean attempt, boolean mandatory, boolean plaintextRetry, CertificateCheck check,
                        Optional<CertificateCheck> reportOnly, int failureCode, String failureStatus) {
    public static final String TLS_FAILURE = "4.7.5";
    private static final TlsPolicy NONE = new TlsPolicy("none", false, false, false, CertificateCheck.ANY, Optional.empty(), 451, TLS_FAILURE);
    private static final TlsPolicy MAY = may("may");

    public static TlsPolicy none() {
        return NONE;
    }

    public static TlsPolicy may() {
        return MAY;
    }

    public static TlsPolicy may(String level) {
        return new TlsPolicy(level, true, false, true, CertificateCheck.ANY, Optional.empty(), 451, TLS_FAILURE);
    }

    /** TLS required, any certificate. */
    public static TlsPolicy encrypt(String level) {
        return new TlsPolicy(level, true, true, false, CertificateCheck.ANY, Optional.empty(), 451, TLS_FAILURE);
    }

    /** TLS required, the certificate as {@code check} says. */
    public static TlsPolicy verified(String level, CertificateCheck check) {
        return new TlsPolicy(level, true, true, false, check, Optional.empty(), 451, TLS_FAILURE);
    }

    public TlsPolicy reporting(CertificateCheck advisory) {
        return new TlsPolicy(level, attempt, mandatory, plaintextRetry, check, Optional.of(advisory), failureCode, failureStatus);
    }

    /** The same policy, with this reply when it is not met. */
    public TlsPolicy failingWith(int code, String status) {
        return new TlsPolicy(level, attempt, mandatory, plaintextRetry, check, reportOnly, code, status);
    }

    /** Whether the certificate is checked (not just any certificate taken). */
    public boolean verifies() {
        return check != CertificateCheck.ANY;
    }

    SmtpReply failure(String text) {
        return SmtpReply.local(failureCode, failureStatus, text);
    }

    /** Tells sessions apart that were opened under different requirements (the connection cache key). */
    String key() {
        return level + (mandatory ? "!" : "") + "/" + check.describe() + reportOnly.map(advisory -> "/report " + advisory.describe()).orElse("")
            + "/" + failureCode;
    }
}
