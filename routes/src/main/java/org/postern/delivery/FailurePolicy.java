package org.postern.delivery;

import org.postern.smtp.client.SmtpReply;

/**
 * How Postern judges the outcome of a delivery attempt: the one place where replies become decisions (after
 * Postfix's smtp_trouble.c).
 *
 * <ul>
 *   <li>A 2xx reply to the end of data delivers every recipient the host accepted. The reply (with the remote
 *       queue id) is logged per recipient.</li>
 *   <li>A 5xx reply to RCPT fails that recipient only; the others go on. A 5xx to MAIL or to the end of data fails
 *       every recipient of the transaction.</li>
 *   <li>A host that cannot be used at all (connection refused or timed out, a greeting, EHLO/HELO or STARTTLS
 *       that fails) and a 4xx reply for a recipient: on a host that is not the last one, the pending recipients
 *       are tried at the next host; on the last host they are deferred.</li>
 *   <li>When every host failed before a transaction, the last failure decides: 5xx fails, anything else defers.</li>
 *   <li>A temporary DNS failure defers; a permanent one (NXDOMAIN, null MX) fails.</li>
 *   <li>Deferred recipients are retried on the {@link RetrySchedule}; when the mail is older than its
 *       {@code giveUpAfter} after a failed attempt, they fail with 4.4.7 (delivery time expired).</li>
 *   <li>A mail with more Received headers than the limit fails with 5.4.6 (routing loop) without an attempt.</li>
 *   <li>A failure produces a delivery status notification to the sender, never to the null sender.</li>
 * </ul>
 */
public final class FailurePolicy {
    public static final String EXPIRED_STATUS = "4.4.7";
    public static final String LOOP_STATUS = "5.4.6";

    private FailurePolicy() {
    }

    /** The decision for a recipient's reply within a transaction on a host ({@code lastHost}: no host after it). */
    public static RecipientOutcome.Status afterTransaction(SmtpReply reply, boolean lastHost) {
        if (reply.code() / 100 == 2) {
            return RecipientOutcome.Status.DELIVERED;
        }
        if (reply.permanentFailure()) {
            return RecipientOutcome.Status.FAILED;
        }
        return lastHost ? RecipientOutcome.Status.DEFERRED : null;
    }

    /** The decision for recipients still pending once every host was tried: the last failure decides. */
    public static RecipientOutcome.Status afterAllHosts(SmtpReply lastReply) {
        return lastReply.permanentFailure() ? RecipientOutcome.Status.FAILED : RecipientOutcome.Status.DEFERRED;
    }

    /** The reply standing for a deferred recipient whose mail expired. */
    public static SmtpReply expired(SmtpReply last) {
        return SmtpReply.local(450, EXPIRED_STATUS, "delivery time expired; last error: " + last);
    }

    public static SmtpReply loop(int received, int limit) {
        return SmtpReply.local(554, LOOP_STATUS, "mail forwarding loop: " + received + " Received headers (limit " + limit + ")");
    }
}
