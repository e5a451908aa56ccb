package org.postern.delivery;

import java.time.Instant;
import java.util.List;

/**
 * The envelope of one delivery attempt: the queue id (James's mail name), the sender ("" for the null sender),
 * the recipients still pending, the next hop they share, and when the mail first reached the outbound queue.
 */
public record Envelope(String queueId, String sender, List<String> recipients, String nextHop, Instant arrival) {
    public Envelope {
        recipients = List.copyOf(recipients);
    }
}
