package org.postern.ledger;

import java.time.Instant;
import java.util.Optional;

/**
 * One line of a recipient's history: what happened to it, when, and the evidence (host, address, TLS: whether the
 * session was encrypted and its level, e.g. {@code dane/verified}, the remote reply with its queue id). Optional
 * fields are empty when the event has no such detail. {@code node}, the name of the Postern node the event happened
 * on, is stamped by the ledger when it writes the event (so recording costs nothing more) and read back with it;
 * events written before nodes were recorded have none.
 */
public record LedgerEvent(Instant at, String queueId, Optional<String> messageId, Optional<String> envelopeId,
                          String sender, String recipient, Kind kind, Optional<String> host, Optional<String> address,
                          Optional<Boolean> tls, Optional<String> tlsLevel, Optional<String> reply, Optional<String> detail,
                          Optional<String> node) {
    public enum Kind {
        /** accepted over SMTP (or made here) and entered the pipeline */
        ARRIVED,
        /** stored in a local mailbox */
        STORED,
        /** one SMTP delivery attempt to one host, whatever its answer */
        ATTEMPT,
        /** the next hop accepted the recipient: final */
        DELIVERED,
        /** a temporary failure; the recipient waits for its next attempt */
        DEFERRED,
        /** a permanent failure or expiry: final */
        FAILED,
        /** a delivery status notification was sent to the sender */
        DSN
    }

    /** Starts an event for one recipient of one mail; the evidence is added with the {@code with…} methods. */
    public static LedgerEvent of(Instant at, String queueId, String sender, String recipient, Kind kind) {
        return new LedgerEvent(at, queueId, Optional.empty(), Optional.empty(), sender, recipient, kind,
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty());
    }

    public LedgerEvent withMessage(Optional<String> messageId, Optional<String> envelopeId) {
        return new LedgerEvent(at, queueId, messageId, envelopeId, sender, recipient, kind, host, address, tls, tlsLevel, reply, detail, node);
    }

    public LedgerEvent withHost(String host, String address, boolean tls) {
        return new LedgerEvent(at, queueId, messageId, envelopeId, sender, recipient, kind,
            Optional.ofNullable(host), Optional.ofNullable(address), Optional.of(tls), tlsLevel, reply, detail, node);
    }

    /** The TLS level the session ran under and what it got, e.g. {@code may/encrypted}, {@code dane/verified}. */
    public LedgerEvent withTlsLevel(String level) {
        return new LedgerEvent(at, queueId, messageId, envelopeId, sender, recipient, kind, host, address, tls,
            Optional.ofNullable(level), reply, detail, node);
    }

    public LedgerEvent withReply(String reply) {
        return new LedgerEvent(at, queueId, messageId, envelopeId, sender, recipient, kind, host, address, tls, tlsLevel,
            Optional.ofNullable(reply), detail, node);
    }

    public LedgerEvent withDetail(String detail) {
        return new LedgerEvent(at, queueId, messageId, envelopeId, sender, recipient, kind, host, address, tls, tlsLevel, reply,
            Optional.ofNullable(detail), node);
    }

    /** The node this event happened on, as the ledger read it back. */
    public LedgerEvent withNode(String node) {
        return new LedgerEvent(at, queueId, messageId, envelopeId, sender, recipient, kind, host, address, tls, tlsLevel, reply, detail,
            Optional.ofNullable(node));
    }
}
