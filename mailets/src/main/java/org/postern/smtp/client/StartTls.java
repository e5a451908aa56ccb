package org.postern.smtp.client;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS handshake after a 220 to STARTTLS (RFC 3207), with SNI naming the host when it has a name. The handshake
 * itself takes any certificate: the session's {@link CertificateCheck} judges the chain right after it, before a
 * byte of SMTP goes over the connection, so one SSL context serves every level.
 */
final class StartTls {
    private static final SSLContext HANDSHAKE_ONLY = context();

    private StartTls() {
    }

    static SSLSocket handshake(Socket plain, Target target, Duration timeout) throws IOException {
        SSLSocket ssl = (SSLSocket) HANDSHAKE_ONLY.getSocketFactory().createSocket(plain, target.host(), target.port(), true);
        if (target.host().matches("(?=.*[A-Za-z])[A-Za-z0-9.-]+")) {
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(target.host())));
            ssl.setSSLParameters(parameters);
        }
        ssl.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        ssl.startHandshake();
        return ssl;
    }

    static X509Certificate[] chain(SSLSocket ssl) throws IOException {
        Certificate[] certificates = ssl.getSession().getPeerCertificates();
        return Arrays.stream(certificates).map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
    }

    private static SSLContext context() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new JudgedAfterHandshake()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }

    private static final class JudgedAfterHandshake implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
