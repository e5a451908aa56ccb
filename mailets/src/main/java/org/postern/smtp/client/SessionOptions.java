package org.postern.smtp.client;

import java.net.InetAddress;
import java.util.Optional;

/**
 * How to talk to a host: the name to greet with, SMTP or LMTP, the {@link TlsPolicy}, the smarthost credentials,
 * the local address to connect from (Postfix's smtp_bind_address) and the timeouts.
 */
public record SessionOptions(String heloName, Protocol protocol, TlsPolicy tls, Optional<Credentials> credentials,
                             Optional<InetAddress> sourceAddress, SmtpTimeouts timeouts) {
    public static SessionOptions smtp(String heloName, TlsPolicy tls, SmtpTimeouts timeouts) {
        return new SessionOptions(heloName, Protocol.SMTP, tls, Optional.empty(), Optional.empty(), timeouts);
    }

    /** Sessions opened under equal keys are interchangeable (the connection cache's key, with the target's). */
    public String key() {
        return protocol + "|" + tls.key() + "|" + credentials.map(Credentials::user).orElse("")
            + "|" + sourceAddress.map(InetAddress::getHostAddress).orElse("");
    }
}
