package org.postern.delivery;

import org.postern.smtp.client.SmtpReply;
import org.postern.smtp.client.Target;

/**
 * What one attempt decided for one recipient: delivered, failed for good, or deferred to a later attempt, with
 * the reply that decided it and the host that gave it ({@code null} when no host was reached), and whether that
 * host announced DSN (then the DSN request went on with the mail, and notifying is the next hop's job).
 */
public record RecipientOutcome(String recipient, Status status, SmtpReply reply, Target host, boolean hostOffersDsn) {
    public enum Status { DELIVERED, FAILED, DEFERRED }

    public RecipientOutcome(String recipient, Status status, SmtpReply reply, Target host) {
        this(recipient, status, reply, host, false);
    }
}
