package org.postern.smtp.client;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.X509TrustManager;

/**
 * The {@code verify} and {@code secure} levels, and MTA-STS: the chain must lead to a trusted certificate
 * authority ({@link TrustStores}) and the server certificate must carry one of the reference names
 * ({@link CertificateNames}).
 */
public final class PkixCheck implements CertificateCheck {
    private final X509TrustManager trust;
    private final List<String> names;

    public PkixCheck(X509TrustManager trust, List<String> names) {
        this.trust = trust;
        this.names = List.copyOf(names);
    }

    @Override
    public void check(X509Certificate[] chain) throws CertificateException {
        try {
            trust.checkServerTrusted(chain, "UNKNOWN");
        } catch (CertificateException e) {
            throw new CertificateException("certificate not trusted: " + e.getMessage(), e);
        }
        if (!CertificateNames.matchesAny(chain[0], names)) {
            throw new CertificateException("certificate names " + CertificateNames.names(chain[0]) + " match none of " + names);
        }
    }

    @Override
    public String describe() {
        return "trusted chain, names " + names;
    }
}
