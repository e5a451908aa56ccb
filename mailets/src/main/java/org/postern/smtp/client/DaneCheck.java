package org.postern.smtp.client;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * DANE authentication of an SMTP server (RFC 7672 section 3): the chain is accepted when a usable TLSA record
 * matches it. DANE-EE(3) matches the server certificate alone, with no name or date checks (section 3.1.1).
 * DANE-TA(2) matches a certificate of the chain the server sent, which then acts as the trust anchor: the server
 * certificate must chain to it (PKIX, dates checked, no revocation) and carry one of the reference names, the MX
 * host name and the next-hop domain (section 3.2.2).
 */
public final class DaneCheck implements CertificateCheck {
    private final List<Tlsa> records;
    private final List<String> names;

    public DaneCheck(List<Tlsa> records, List<String> names) {
        this.records = records.stream().filter(Tlsa::usable).toList();
        this.names = List.copyOf(names);
    }

    @Override
    public void check(X509Certificate[] chain) throws CertificateException {
        for (Tlsa record : records) {
            if (record.usage() == Tlsa.DANE_EE && record.matches(chain[0])) {
                return;
            }
            if (record.usage() == Tlsa.DANE_TA) {
                for (int i = 0; i < chain.length; i++) {
                    if (record.matches(chain[i]) && chainsTo(chain, i) && CertificateNames.matchesAny(chain[0], names)) {
                        return;
                    }
                }
            }
        }
        throw new CertificateException("no TLSA record matches the certificate chain (records " + records + ", names "
            + CertificateNames.names(chain[0]) + ", reference names " + names + ")");
    }

    /** Whether chain[0..anchor-1] is a valid path from the trust anchor chain[anchor]. */
    private static boolean chainsTo(X509Certificate[] chain, int anchor) {
        if (anchor == 0) {
            return true;
        }
        try {
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(chain[anchor], null)));
            parameters.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
                .generateCertPath(Arrays.asList(chain).subList(0, anchor)), parameters);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public String describe() {
        return "DANE TLSA " + records + ", names " + names;
    }
}
