package org.postern.queue;

import java.time.Clock;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a routed mail to the delivery routes: puts it into the persistent James mail queue {@code queue}
 * (default {@code outbound}, the queue {@code delivery.xml} names) and ends its processing here. The enqueue
 * returns only once the queue holds the mail on disk, and the spool acknowledges the mail only after this mailet
 * returned, so a crash at any point leaves the mail in one queue or the other (at worst in both: delivered twice,
 * never lost). Records the mail's arrival in the outbound queue ({@link DeliveryAttributes#ARRIVAL}) once.
 * Uses only James's MailQueue API, so any James queue backend works.
 *
 * <pre>{@code
 * <mailet match="All" class="org.postern.queue.HandOffToOutbound">
 *     <queue>outbound</queue>
 * </mailet>
 * }</pre>
 */
public class HandOffToOutbound extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(HandOffToOutbound.class);
    public static final String DEFAULT_QUEUE = "outbound";

    private final MailQueueFactory<?> queues;
    private final Clock clock;
    private MailQueue queue;

    @Inject
    public HandOffToOutbound(MailQueueFactory<?> queues) {
        this(queues, Clock.systemUTC());
    }

    public HandOffToOutbound(MailQueueFactory<?> queues, Clock clock) {
        this.queues = queues;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("queue"));
        String name = getInitParameter("queue", DEFAULT_QUEUE).trim();
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            throw new MailetException(getMailetName() + ": 'queue' = '" + name + "': must be a queue name (letters, digits, . _ -)");
        }
        queue = queues.createQueue(MailQueueName.of(name));
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (mail.getAttribute(DeliveryAttributes.ARRIVAL).isEmpty()) {
            mail.setAttribute(new Attribute(DeliveryAttributes.ARRIVAL, AttributeValue.of(clock.millis())));
        }
        queue.enQueue(mail);
        LOGGER.info("{}: to=<{}>, handed off to queue {}", mail.getName(), mail.getRecipients(), queue.getName().asString());
        mail.setState(Mail.GHOST);
    }

    @Override
    public String getMailetInfo() {
        return "Postern: durable hand-off of routed mail to the outbound queue";
    }
}
