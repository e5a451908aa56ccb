package org.postern.smtp.client;

/**
 * A host could not be used for a transaction at all (connection refused or timed out, a greeting or EHLO/HELO
 * that was not 2xx, STARTTLS or the certificate not as the TLS policy requires, AUTH refused). {@link #reply()} is
 * the server's reply, or one Postern made up (4.4.1 no answer, 4.4.2 connection lost, 4.7.5 TLS).
 * {@link #wholeRoute()}: the failure would be the same at every host of the route (the smarthost refused the
 * credentials), so no other host is tried.
 */
public class SessionFailure extends Exception {
    private final SmtpReply reply;
    private final boolean wholeRoute;

    public SessionFailure(SmtpReply reply, Throwable cause) {
        this(reply, cause, false);
    }

    public SessionFailure(SmtpReply reply, Throwable cause, boolean wholeRoute) {
        super(reply.toString(), cause);
        this.reply = reply;
        this.wholeRoute = wholeRoute;
    }

    public SmtpReply reply() {
        return reply;
    }

    public boolean wholeRoute() {
        return wholeRoute;
    }
}
