package org.postern.camel;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;


import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.postern.delivery.DeliveryLog;
import org.postern.delivery.DeliverySettings;
import org.postern.delivery.DsnBuilder;
import org.postern.delivery.Envelope;
import org.postern.delivery.LedgerRecorder;
import org.postern.delivery.RecipientOutcome;
import org.postern.delivery.RetrySchedule;
import org.postern.dsn.DsnReport;
import org.postern.dsn.DsnRequest;
import org.postern.dsn.NotificationMail;
import org.postern.queue.DeliveryAttributes;

/**
 * Sends the delivery status notifications an attempt made due, as the sender's NOTIFY asked
 * ({@link DsnRequest#due}), one RFC 3464 DSN per kind, from the null sender, put into James's spool so that James
 * delivers it like any mail (a local mailbox or, as mail sent by a mailet, relayed to a remote sender):
 * <ul>
 *   <li>failed: the recipients that failed for good (also records their {@code failed} ledger event);</li>
 *   <li>relayed: recipients delivered to a next hop that did not announce DSN, when NOTIFY has SUCCESS (a next hop
 *       with DSN got NOTIFY and ORCPT and reports itself);</li>
 *   <li>delayed: deferred recipients of a mail older than {@code delayNotice}, once per mail (remembered in
 *       {@link DeliveryAttributes#DELAY_NOTIFIED}), with Will-Retry-Until.</li>
 * </ul>
 * Never a DSN to the null sender: a failure of a DSN is only logged.
 */
public class BounceProcessor implements Processor {
    private final MailQueue spool;
    private final DsnBuilder dsn;
    private final Clock clock;
    private final LedgerRecorder ledger;
    private final RetrySchedule retry;
    private final Duration delayNotice;

    public BounceProcessor(MailQueue spool, DsnBuilder dsn, Clock clock) {
        this(spool, dsn, clock, LedgerRecorder.NONE, RetrySchedule.DEFAULT, DeliverySettings.DEFAULT_DELAY_NOTICE);
    }

    public BounceProcessor(MailQueue spool, DsnBuilder dsn, Clock clock, LedgerRecorder ledger, RetrySchedule retry,
                           Duration delayNotice) {
        this.spool = spool;
        this.dsn = dsn;
        this.clock = clock;
        this.ledger = ledger;
        this.retry = retry;
        this.delayNotice = delayNotice;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Envelope envelope = DeliverProcessor.envelope(exchange);
        List<RecipientOutcome> failed = list(exchange, DeliveryHeaders.FAILED);
        for (RecipientOutcome outcome : failed) {
            ledger.outcome(envelope, outcome, outcome.host() == null ? "no host answered" : "refused by " + outcome.host());
        }
        if (envelope.sender().isEmpty()) {
            if (!failed.isEmpty()) {
                DeliveryLog.event(envelope.queueId(), "sender is the null sender: no bounce for " + failed.size() + " failed recipient(s)");
            }
            return;
        }
        byte[] message = exchange.getIn().getBody(byte[].class);
        Instant now = clock.instant();

        List<RecipientOutcome> failureDue = due(envelope, failed, DsnRequest.Kind.FAILURE);
        if (!failureDue.isEmpty()) {
            send(envelope, DsnReport.Action.FAILED, failureDue, message, now, Optional.empty(), "sender non-delivery notification");
        }
        suppressed(envelope, failed, failureDue, "failure");

        List<RecipientOutcome> relayed = due(envelope, list(exchange, DeliveryHeaders.DELIVERED).stream()
            .filter(outcome -> !outcome.hostOffersDsn()).toList(), DsnRequest.Kind.SUCCESS);
        if (!relayed.isEmpty()) {
            send(envelope, DsnReport.Action.RELAYED, relayed, message, now, Optional.empty(), "sender delivery status notification (relayed)");
        }

        List<RecipientOutcome> deferred = list(exchange, DeliveryHeaders.DEFERRED);
        boolean notified = Boolean.TRUE.equals(exchange.getIn().getHeader(DeliveryHeaders.DELAY_NOTIFIED, Boolean.class));
        if (!deferred.isEmpty() && !notified && !now.isBefore(envelope.arrival().plus(delayNotice))) {
            List<RecipientOutcome> delayDue = due(envelope, deferred, DsnRequest.Kind.DELAY);
            if (!delayDue.isEmpty()) {
                send(envelope, DsnReport.Action.DELAYED, delayDue, message, now, Optional.of(envelope.arrival().plus(retry.giveUpAfter())),
                    "sender delay notification");
            }
            Mail mail = exchange.getProperty(DeliveryHeaders.MAIL, Mail.class);
            if (mail != null) {
                mail.setAttribute(new Attribute(DeliveryAttributes.DELAY_NOTIFIED, AttributeValue.of(true)));
            }
            exchange.getIn().setHeader(DeliveryHeaders.DELAY_NOTIFIED, true);
        }
    }

    private static List<RecipientOutcome> due(Envelope envelope, List<RecipientOutcome> outcomes, DsnRequest.Kind kind) {
        return outcomes.stream().filter(outcome -> envelope.dsn().due(outcome.recipient(), kind)).toList();
    }

    private static void suppressed(Envelope envelope, List<RecipientOutcome> all, List<RecipientOutcome> notified, String kind) {
        List<String> quiet = new ArrayList<>();
        all.stream().filter(outcome -> !notified.contains(outcome)).forEach(outcome -> quiet.add(outcome.recipient()));
        if (!quiet.isEmpty()) {
            DeliveryLog.event(envelope.queueId(), "no " + kind + " notification for " + quiet + ": NOTIFY does not ask for it");
        }
    }

    private void send(Envelope envelope, DsnReport.Action action, List<RecipientOutcome> outcomes, byte[] original, Instant now,
                      Optional<Instant> willRetryUntil, String what) throws Exception {
        byte[] report = dsn.notification(action, envelope, outcomes, original, now, willRetryUntil);
        MailImpl notification = NotificationMail.to(envelope.sender(), report);
        try {
            spool.enQueue(notification);
        } finally {
            notification.dispose();
        }
        String kind = switch (action) {
            case FAILED -> "failure";
            case DELAYED -> "delay";
            case RELAYED -> "relayed";
            case DELIVERED -> "delivered";
        };
        for (RecipientOutcome outcome : outcomes) {
            ledger.dsn(envelope, outcome.recipient(), kind + " " + notification.getName());
        }
        DeliveryLog.event(envelope.queueId(), what + ": " + notification.getName() + " to <" + envelope.sender() + ">");
    }

    @SuppressWarnings("unchecked")
    private static List<RecipientOutcome> list(Exchange exchange, String header) {
        List<RecipientOutcome> list = exchange.getIn().getHeader(header, List.class);
        return list == null ? List.of() : list;
    }
}
