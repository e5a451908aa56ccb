package org.postern.smtp.client;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * How a server's certificate chain is judged once the TLS handshake is done, before anything is sent over it:
 * {@link #ANY} takes every chain (the {@code may} and {@code encrypt} levels), {@link PkixCheck} wants a trusted
 * chain and a matching name, {@link DaneCheck} a chain matching DNSSEC-signed TLSA records.
 */
public interface CertificateCheck {
    CertificateCheck ANY = new CertificateCheck() {
        @Override
        public void check(X509Certificate[] chain) {
        }

        @Override
        public String describe() {
            return "any certificate";
        }
    };

    /** Throws when the chain is not acceptable, saying why. */
    void check(X509Certificate[] chain) throws CertificateException;

    /** What is checked, for logs and to tell sessions with different checks apart. */
    String describe();
}
