package org.postern.queue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One mail in the outbound queue as {@link QueueControl#list} shows it: its queue id (James's mail name), sender
 * ("" for the null sender), the recipients still pending, the attempts made so far, when it is due
 * (empty when held), the reply that deferred the last attempt, and its next hop.
 */
public record QueuedMail(String id, String sender, List<String> recipients, int attempts, Optional<Instant> nextAttempt,
                         boolean held, Optional<String> lastReply, Optional<String> nextHop) {
    public QueuedMail {
        recipients = List.copyOf(recipients);
    }
}
