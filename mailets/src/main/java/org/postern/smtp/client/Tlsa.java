package org.postern.smtp.client;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * One TLSA record (RFC 6698): certificate usage, selector, matching type and association data. Only DANE-TA(2) and
 * DANE-EE(3) are usable for SMTP (RFC 7672 section 3.1); selector 0 is the whole certificate, 1 its public key;
 * matching type 0 the data itself, 1 its SHA-256, 2 its SHA-512.
 */
public record Tlsa(int usage, int selector, int matchingType, byte[] data) {
    public static final int DANE_TA = 2;
    public static final int DANE_EE = 3;

    public boolean usable() {
        return (usage == DANE_TA || usage == DANE_EE) && (selector == 0 || selector == 1) && matchingType >= 0 && matchingType <= 2;
    }

    /** Whether this certificate is the one the record names. */
    public boolean matches(X509Certificate certificate) {
        try {
            byte[] selected = selector == 0 ? certificate.getEncoded() : certificate.getPublicKey().getEncoded();
            byte[] digest = switch (matchingType) {
                case 0 -> selected;
                case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
                case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
                default -> null;
            };
            return digest != null && MessageDigest.isEqual(digest, data);
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        String hex = HexFormat.of().formatHex(data);
        return usage + " " + selector + " " + matchingType + " " + (hex.length() > 16 ? hex.substring(0, 16) + "…" : hex);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tlsa that && usage == that.usage && selector == that.selector
            && matchingType == that.matchingType && java.util.Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return ((usage * 31 + selector) * 31 + matchingType) * 31 + java.util.Arrays.hashCode(data);
    }
}
