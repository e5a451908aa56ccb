package org.postern.smtp.client;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The DNS names of a server certificate (subjectAltName dNSName entries, or the subject CN when there are none, as
 * RFC 6125 section 6.4.4 allows) matched against reference names: {@code mx.example.com} matches that name or a
 * wildcard {@code *.example.com} covering its first label; {@code .example.com} matches any name below
 * example.com (Postfix's "dot-nexthop").
 */
final class CertificateNames {
    private CertificateNames() {
    }

    static boolean matchesAny(X509Certificate certificate, List<String> references) {
        List<String> names = names(certificate);
        for (String reference : references) {
            String wanted = normalize(reference);
            for (String name : names) {
                if (matches(name, wanted)) {
                    return true;
                }
            }
        }
        return false;
    }

    static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if (Integer.valueOf(2).equals(entry.get(0)) && entry.get(1) instanceof String dns) {
                        names.add(normalize(dns));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return names;
        }
        if (names.isEmpty()) {
            try {
                for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        names.add(normalize(rdn.getValue().toString()));
                    }
                }
            } catch (InvalidNameException e) {
                return names;
            }
        }
        return names;
    }

    private static boolean matches(String name, String reference) {
        if (reference.startsWith(".")) {
            return name.endsWith(reference);
        }
        if (name.equals(reference)) {
            return true;
        }
        if (name.startsWith("*.")) {
            int dot = reference.indexOf('.');
            return dot > 0 && reference.substring(dot).equals(name.substring(1));
        }
        return false;
    }

    private static String normalize(String name) {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
