package org.postern.camel;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.postern.delivery.DeliveryLog;
import org.postern.delivery.Envelope;
import org.postern.delivery.FailurePolicy;
import org.postern.delivery.RecipientOutcome;
import org.postern.delivery.RetrySchedule;

/** Expiry: deferred recipients of a mail past its lifetime become failed ones, with 4.4.7. */
public class ScheduleProcessor implements Processor {
    private final RetrySchedule schedule;
    private final Clock clock;

    public ScheduleProcessor(RetrySchedule schedule, Clock clock) {
        this.schedule = schedule;
        this.clock = clock;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        List<RecipientOutcome> deferred = exchange.getIn().getHeader(DeliveryHeaders.DEFERRED, List.class);
        Envelope envelope = DeliverProcessor.envelope(exchange);
        if (deferred.isEmpty() || !schedule.expired(envelope.arrival(), clock.instant())) {
            return;
        }
        List<RecipientOutcome> failed = new ArrayList<>(exchange.getIn().getHeader(DeliveryHeaders.FAILED, List.class));
        for (RecipientOutcome outcome : deferred) {
            RecipientOutcome expired = new RecipientOutcome(outcome.recipient(), RecipientOutcome.Status.FAILED,
                FailurePolicy.expired(outcome.reply()), outcome.host());
            failed.add(expired);
            DeliveryLog.attempt(envelope, outcome.recipient(), outcome.host(), null, "expired", expired.reply(), DeliveryLog.Times.now());
        }
        exchange.getIn().setHeader(DeliveryHeaders.FAILED, failed);
        exchange.getIn().setHeader(DeliveryHeaders.DEFERRED, List.of());
    }
}
