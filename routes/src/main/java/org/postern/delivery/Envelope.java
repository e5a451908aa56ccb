package org.postern.delivery;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.postern.dsn.DsnRequest;

/**
 * The envelope of one delivery attempt: the queue id (James's mail name), the sender ("" for the null sender),
 * the recipients still pending, the next hop they share, when the mail first reached the outbound queue, and the
 * sender's DSN request (RET, ENVID, per recipient NOTIFY and ORCPT), passed on to a next hop that supports DSN, the
 * message's Message-ID when it has one (for the ledger), and whether the sender asked for REQUIRETLS.
 */
public record Envelope(String queueId, String sender, List<String> recipients, String nextHop, Instant arrival, DsnRequest dsn,
                       Optional<String> messageId, boolean requireTls) {
    public Envelope {
        recipients = List.copyOf(recipients);
        dsn = dsn == null ? DsnRequest.NONE : dsn;
        messageId = messageId == null ? Optional.empty() : messageId;
    }

    public Envelope(String queueId, String sender, List<String> recipients, String nextHop, Instant arrival, DsnRequest dsn,
                    Optional<String> messageId) {
        this(queueId, sender, recipients, nextHop, arrival, dsn, messageId, false);
    }

    public Envelope(String queueId, String sender, List<String> recipients, String nextHop, Instant arrival, DsnRequest dsn) {
        this(queueId, sender, recipients, nextHop, arrival, dsn, Optional.empty());
    }

    public Envelope(String queueId, String sender, List<String> recipients, String nextHop, Instant arrival) {
        this(queueId, sender, recipients, nextHop, arrival, DsnRequest.NONE);
    }
}
