package org.postern.ledger;

import java.time.Instant;
import java.util.Optional;

/**
 * One line of a recipient's history: what happened to it, when, and the evidence (host, address, TLS: whether the
 * session was encrypted and its level, e.g. {@code dane/verified}, the remote reply with its queue id). Optional
 * fields are empty when the event has no such detail.
 */
public record LedgerEvent(Instant at, String queueId, Optional<String> messageId, Optional<String> envelopeId,
                          String sender, String recipient, Kind kind, Optional<String> host, Optional<String> address,
                          Optional<Boolean> tls, Optional<String> tlsLevel, Optional<String> reply, Optional<String> detail) {
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
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public LedgerEvent withMessage(Optional<String> messageId, Optional<String> envelopeId) {
        return new LedgerEvent(at, queueId, messageId, envelopeId, sender, recipient, kind, host, address, tls, tlsLevel, reply, detail);
    }

    public LedgerEvent withHost(String host, String address, boolean tls) {
        return new LedgerEvent(at, queueId, messageId, envelopeId, sender, recipient, kind,
            Optional.ofNullable(host), Optional.ofNullable(address), Optional.of(tls), tlsLevel, reply, detail);
    }

    /** The TLS level the session ran under and what it got, e.g. {@code may/encrypted}, {@code dane/verified}. */
    public LedgerEvent withTlsLevel(String level) {
        return new LedgerEvent(at, queueId, messageId, envelopeId, sender, recipient, kind, host, address, tls,
            Optional.ofNullable(level), reply, detail);
    }

    public LedgerEvent withReply(String reply) {
        return new LedgerEvent(at, queueId, messageId, envelopeId, sender, recipient, kind, host, address, tls, tlsLevel,
            Optional.ofNullable(reply), detail);
    }

    public LedgerEvent withDetail(String detail) {
        return new LedgerEvent(at, queueId, messageId, envelopeId, sender, recipient, kind, host, address, tls, tlsLevel, reply,
            Optional.ofNullable(detail));
    }
}
