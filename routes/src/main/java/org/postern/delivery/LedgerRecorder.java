package org.postern.delivery;

import java.time.Clock;
import java.util.Optional;

import org.postern.ledger.DeliveryLedger;
import org.postern.ledger.LedgerEvent;
import org.postern.ledger.QueueIds;
import org.postern.smtp.client.SmtpReply;
import org.postern.smtp.client.Target;
import org.postern.smtp.client.TlsState;

/**
 * Writes what the delivery route learns into the delivery ledger, next to the maillog line: one {@code attempt}
 * per host and recipient (host, address, TLS, reply), then the recipient's {@code delivered}, {@code deferred}
 * (detail: the next attempt) or {@code failed}, and each {@code dsn} sent (detail: failed, delayed, relayed).
 * Events carry the queue id as accepted, the Message-ID and the sender's ENVID.
 */
public final class LedgerRecorder {
    public static final LedgerRecorder NONE = new LedgerRecorder(new org.postern.ledger.NoDeliveryLedger(), Clock.systemUTC());

    private final DeliveryLedger ledger;
    private final Clock clock;

    public LedgerRecorder(DeliveryLedger ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    /**
     * One attempt for one recipient; {@code host} null when no host was reached (DNS failure, loop), {@code tls} null
     * when no session was opened. A TLS failure only reported (MTA-STS testing) goes into the detail.
     */
    public void attempt(Envelope envelope, String recipient, Target host, TlsState tls, SmtpReply reply, String status) {
        String detail = tls == null ? status : status + tls.note().map(note -> "; tls: " + note).orElse("");
        LedgerEvent event = event(envelope, recipient, LedgerEvent.Kind.ATTEMPT).withReply(reply.toString()).withDetail(detail);
        if (host != null) {
            event = event.withHost(host.host(), host.address().getHostAddress() + ":" + host.port(), tls != null && tls.encrypted());
        }
        if (tls != null) {
            event = event.withTlsLevel(tls.summary());
        }
        ledger.record(event);
    }

    /** The final or interim outcome of a recipient: delivered, failed or deferred (with the next attempt's time). */
    public void outcome(Envelope envelope, RecipientOutcome outcome, String detail) {
        LedgerEvent.Kind kind = switch (outcome.status()) {
            case DELIVERED -> LedgerEvent.Kind.DELIVERED;
            case FAILED -> LedgerEvent.Kind.FAILED;
            case DEFERRED -> LedgerEvent.Kind.DEFERRED;
        };
        LedgerEvent event = event(envelope, outcome.recipient(), kind).withReply(outcome.reply().toString()).withDetail(detail);
        if (outcome.host() != null) {
            // the host and address that answered; TLS is in that host's attempt event
            event = new LedgerEvent(event.at(), event.queueId(), event.messageId(), event.envelopeId(), event.sender(),
                event.recipient(), kind, Optional.of(outcome.host().host()),
                Optional.of(outcome.host().address().getHostAddress() + ":" + outcome.host().port()), Optional.empty(),
                Optional.empty(), event.reply(), event.detail(), Optional.empty());
        }
        ledger.record(event);
    }

    /** A DSN about this recipient went to the sender; {@code detail}: failed, delayed, relayed, delivered, and its name. */
    public void dsn(Envelope envelope, String recipient, String detail) {
        ledger.record(event(envelope, recipient, LedgerEvent.Kind.DSN).withDetail(detail));
    }

    private LedgerEvent event(Envelope envelope, String recipient, LedgerEvent.Kind kind) {
        return LedgerEvent.of(clock.instant(), QueueIds.of(envelope.queueId()), envelope.sender(), recipient, kind)
            .withMessage(envelope.messageId(), envelope.dsn().envId());
    }
}
