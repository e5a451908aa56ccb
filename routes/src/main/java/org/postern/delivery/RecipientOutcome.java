package org.postern.delivery;

/**
 * What one attempt decided for one recipient: delivered, failed for good, or deferred to a later attempt, with
 * the reply that decided it and the host that gave it ({@code null} when no host was reached).
 */
public record RecipientOutcome(String recipient, Status status, SmtpReply reply, Target host) {
    public enum Status { DELIVERED, FAILED, DEFERRED }
}
