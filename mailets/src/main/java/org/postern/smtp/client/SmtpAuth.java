package org.postern.smtp.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * AUTH towards a smarthost (RFC 4954), only ever over TLS: PLAIN with an initial response (RFC 4616) when the
 * server offers it, else LOGIN. 235 authenticates; a 5xx (535 bad credentials) fails the whole route, a 4xx
 * (454) is temporary.
 */
final class SmtpAuth {
    private SmtpAuth() {
    }

    static void authenticate(SmtpLines lines, Capabilities capabilities, Credentials credentials, Duration timeout, Target target)
            throws IOException, SessionFailure {
        SmtpReply reply;
        if (capabilities.authMechanisms().contains("PLAIN")) {
            reply = lines.command("AUTH PLAIN " + base64("\0" + credentials.user() + "\0" + credentials.password()), timeout);
        } else if (capabilities.authMechanisms().contains("LOGIN")) {
            reply = lines.command("AUTH LOGIN", timeout);
            if (reply.code() == 334) {
                reply = lines.command(base64(credentials.user()), timeout);
            }
            if (reply.code() == 334) {
                reply = lines.command(base64(credentials.password()), timeout);
            }
        } else {
            throw new SessionFailure(SmtpReply.local(451, "4.7.0", target + " offers no AUTH PLAIN or LOGIN (offered: "
                + capabilities.authMechanisms() + "), and the route has credentials"), null);
        }
        if (reply.code() != 235) {
            throw new SessionFailure(reply, null, reply.permanentFailure());
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
