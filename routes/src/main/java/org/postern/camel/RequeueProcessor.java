package org.postern.camel;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.james.core.MailAddress;
import org.apache.james.queue.api.MailQueue;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.postern.delivery.DeliveryLog;
import org.postern.delivery.Envelope;
import org.postern.delivery.LedgerRecorder;
import org.postern.delivery.RecipientOutcome;
import org.postern.delivery.RetrySchedule;
import org.postern.queue.DeliveryAttributes;

/**
 * A durable retry: the mail goes back into the outbound queue with only its deferred recipients, its attempt
 * count raised, and a delay from the {@link RetrySchedule}. The queue item being processed is acknowledged only
 * after this enqueue returned.
 */
public class RequeueProcessor implements Processor {
    private static final org.slf4j.Logger LOGGER = org.slf4j.LoggerFactory.getLogger(RequeueProcessor.class);
    private final MailQueue queue;
    private final RetrySchedule schedule;
    private final boolean afterError;
    private final LedgerRecorder ledger;
    private final Clock clock;

    /** Re-queues the deferred recipients (the {@link DeliveryHeaders#DEFERRED} header). */
    public static RequeueProcessor deferred(MailQueue queue, RetrySchedule schedule) {
        return deferred(queue, schedule, LedgerRecorder.NONE, Clock.systemUTC());
    }

    /** The same, recording each recipient's {@code deferred} ledger event with the time of its next attempt. */
    public static RequeueProcessor deferred(MailQueue queue, RetrySchedule schedule, LedgerRecorder ledger, Clock clock) {
        return new RequeueProcessor(queue, schedule, false, ledger, clock);
    }

    /** Re-queues the mail as it came, all its recipients pending, after an unexpected error in the route. */
    public static RequeueProcessor afterError(MailQueue queue, RetrySchedule schedule) {
        return new RequeueProcessor(queue, schedule, true, LedgerRecorder.NONE, Clock.systemUTC());
    }

    private RequeueProcessor(MailQueue queue, RetrySchedule schedule, boolean afterError, LedgerRecorder ledger, Clock clock) {
        this.queue = queue;
        this.schedule = schedule;
        this.afterError = afterError;
        this.ledger = ledger;
        this.clock = clock;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        Mail mail = exchange.getProperty(DeliveryHeaders.MAIL, Mail.class);
        int attempts = exchange.getIn().getHeader(DeliveryHeaders.ATTEMPTS, Integer.class) + 1;
        Duration delay = schedule.delayAfter(attempts);
        if (afterError) {
            Exception error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
            mail.setAttribute(new Attribute(DeliveryAttributes.ATTEMPTS, AttributeValue.of(attempts)));
            queue.enQueue(mail, delay);
            LOGGER.error("{}: delivery failed unexpectedly, attempt {}, next try in {}", mail.getName(), attempts, delay, error);
            return;
        }
        List<RecipientOutcome> deferred = exchange.getIn().getHeader(DeliveryHeaders.DEFERRED, List.class);
        mail.setRecipients(deferred.stream().map(outcome -> {
            try {
                return new MailAddress(outcome.recipient());
            } catch (javax.mail.internet.AddressException e) {
                throw new IllegalStateException(e);
            }
        }).toList());
        mail.setAttribute(new Attribute(DeliveryAttributes.ATTEMPTS, AttributeValue.of(attempts)));
        mail.setAttribute(new Attribute(DeliveryAttributes.LAST_REPLY, AttributeValue.of(lastReply(deferred.get(0)))));
        queue.enQueue(mail, delay);
        Envelope envelope = DeliverProcessor.envelope(exchange);
        String next = "next attempt at " + clock.instant().plus(delay).truncatedTo(ChronoUnit.SECONDS) + " (attempt " + (attempts + 1) + ")";
        deferred.forEach(outcome -> ledger.outcome(envelope, outcome, next));
        DeliveryLog.event(mail.getName(), "deferred " + deferred.size() + " recipient(s), attempt " + attempts + ", next try in " + delay);
    }

    /** What queue listings show: "host[address]:port said: 451 4.3.0 text", or the reply Postern made up. */
    static String lastReply(RecipientOutcome outcome) {
        return (outcome.host() == null ? "" : outcome.host() + " said: ") + outcome.reply();
    }
}
