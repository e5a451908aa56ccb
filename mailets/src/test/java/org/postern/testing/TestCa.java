package org.postern.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority for tests (BouncyCastle, EC P-256 keys): issues server certificates for DNS names, and
 * self-signed ones; gives the server side as an {@link SSLContext} (for {@link ScriptedSmtpPeer#tls} or an HTTPS
 * server) and the CA as a PEM file (for {@code <tls caFile>}), and the TLSA data of any certificate.
 */
public final class TestCa {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A server's key and chain (server certificate first, then the CA's when issued by one). */
    public record Issued(KeyPair key, X509Certificate[] chain) {
        public X509Certificate certificate() {
            return chain[0];
        }

        /** A server-side TLS context presenting this chain. */
        public SSLContext serverContext() {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("server", key.getPrivate(), "changeit".toCharArray(), chain);
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, "changeit".toCharArray());
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keys.getKeyManagers(), null, null);
                return context;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final String name;
    private final KeyPair key;
    private final X509Certificate certificate;

    private TestCa(String name, KeyPair key, X509Certificate certificate) {
        this.name = name;
        this.key = key;
        this.certificate = certificate;
    }

    public static TestCa create(String name) {
        KeyPair key = keyPair();
        X500Name subject = new X500Name("CN=" + name);
        return new TestCa(name, key, sign(subject, subject, key, key, true, new String[0]));
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** A server certificate for these DNS names (the first is the CN), issued by this CA. */
    public Issued issue(String... names) {
        KeyPair server = keyPair();
        return new Issued(server, new X509Certificate[] {
            sign(new X500Name("CN=" + name), new X500Name("CN=" + names[0]), key, server, false, names), certificate});
    }

    /** A self-signed server certificate for these names, no CA involved. */
    public static Issued selfSigned(String... names) {
        KeyPair server = keyPair();
        X500Name subject = new X500Name("CN=" + names[0]);
        return new Issued(server, new X509Certificate[] {sign(subject, subject, server, server, false, names)});
    }

    /** The CA certificate as a PEM file. */
    public Path writePem(Path file) throws IOException {
        StringWriter pem = new StringWriter();
        try {
            pem.write("-----BEGIN CERTIFICATE-----\n");
            pem.write(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded()));
            pem.write("\n-----END CERTIFICATE-----\n");
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
        Files.writeString(file, pem.toString());
        return file;
    }

    /** TLSA association data: SHA-256 of the certificate's public key (selector 1, matching type 1). */
    public static byte[] spkiSha256(X509Certificate certificate) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** TLSA association data: SHA-256 of the whole certificate (selector 0, matching type 1). */
    public static byte[] certificateSha256(X509Certificate certificate) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(X500Name issuer, X500Name subject, KeyPair issuerKey, KeyPair subjectKey, boolean ca, String[] names) {
        try {
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject, subjectKey.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                GeneralName[] alternatives = new GeneralName[names.length];
                for (int i = 0; i < names.length; i++) {
                    alternatives[i] = new GeneralName(GeneralName.dNSName, names[i]);
                }
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternatives));
            }
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a test certificate for " + subject, e);
        }
    }
}
