package org.postern.delivery;

/**
 * A host could not be used for a transaction at all (connection refused or timed out, a greeting or EHLO/HELO
 * that was not 2xx, STARTTLS required but not offered or failing). {@link #reply()} is the server's reply, or one
 * Postern made up (4.4.1 no answer, 4.4.2 connection lost, 4.7.5 TLS).
 */
public class SessionFailure extends Exception {
    private final SmtpReply reply;

    public SessionFailure(SmtpReply reply, Throwable cause) {
        super(reply.toString(), cause);
        this.reply = reply;
    }

    public SmtpReply reply() {
        return reply;
    }
}
