package org.postern.camel;

import java.time.Duration;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.james.core.MailAddress;
import org.apache.james.queue.api.MailQueue;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.postern.delivery.DeliveryLog;
import org.postern.delivery.RecipientOutcome;
import org.postern.delivery.RetrySchedule;
import org.postern.queue.DeliveryAttributes;

/**
 * A durable retry: the mail goes back into the outbound queue with only its deferred recipients, its attempt
 * count raised, and a delay from the {@link RetrySchedule}. The queue item being processed is acknowledged only
 * after this enqueue returned.
 */
public class RequeueProcessor implements Processor {
    private final MailQueue queue;
    private final RetrySchedule schedule;

    public RequeueProcessor(MailQueue queue, RetrySchedule schedule) {
        this.queue = queue;
        this.schedule = schedule;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        List<RecipientOutcome> deferred = exchange.getIn().getHeader(DeliveryHeaders.DEFERRED, List.class);
        Mail mail = exchange.getProperty(DeliveryHeaders.MAIL, Mail.class);
        int attempts = exchange.getIn().getHeader(DeliveryHeaders.ATTEMPTS, Integer.class) + 1;
        Duration delay = schedule.delayAfter(attempts);
        mail.setRecipients(deferred.stream().map(outcome -> {
            try {
                return new MailAddress(outcome.recipient());
            } catch (javax.mail.internet.AddressException e) {
                throw new IllegalStateException(e);
            }
        }).toList());
        mail.setAttribute(new Attribute(DeliveryAttributes.ATTEMPTS, AttributeValue.of(attempts)));
        queue.enQueue(mail, delay);
        DeliveryLog.event(mail.getName(), "deferred " + deferred.size() + " recipient(s), attempt " + attempts + ", next try in " + delay);
    }
}
