package org.postern.delivery.tls;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import org.postern.smtp.client.CertificateCheck;
import org.postern.smtp.client.PkixCheck;

/**
 * What MTA-STS asks of one MX host (RFC 8461 section 4): its name is one the policy lists, and its certificate is
 * trusted and carries that name. Enforced in mode {@code enforce}, only reported in mode {@code testing}.
 */
final class MtaStsCheck implements CertificateCheck {
    private final MtaStsPolicy policy;
    private final String host;
    private final PkixCheck pkix;

    MtaStsCheck(MtaStsPolicy policy, String host, PkixCheck pkix) {
        this.policy = policy;
        this.host = host;
        this.pkix = pkix;
    }

    @Override
    public void check(X509Certificate[] chain) throws CertificateException {
        if (!policy.matches(host)) {
            throw new CertificateException("MTA-STS: " + host + " is not an MX host of the policy (mx " + policy.mx() + ")");
        }
        try {
            pkix.check(chain);
        } catch (CertificateException e) {
            throw new CertificateException("MTA-STS: " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "MTA-STS " + policy.mode().name().toLowerCase(java.util.Locale.ROOT) + " id " + policy.id() + ", " + pkix.describe();
    }
}
