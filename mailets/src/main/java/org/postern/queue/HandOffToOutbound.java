package org.postern.queue;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.commons.configuration2.ex.ConfigurationException;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a routed mail to the delivery routes and ends its processing here. First, when the routes run and fewer
 * than {@code directAttempts} mails are being attempted this way, the routes attempt it at once
 * ({@link DirectDelivery}): delivered, returned or re-queued for its retry, the mail is then done, written to disk
 * only once (the spool). Otherwise (the option is 0, the routes are busy, or its next hop is busy or failing) it goes
 * into the persistent James mail queue the delivery routes read, {@code delivery.xml}'s {@code <queue>}
 * ({@link OutboundQueue}; the {@code queue} parameter, for a queue of its own, is checked at start-up against it). The enqueue returns only once the queue holds the mail on disk, and the spool acknowledges the mail only
 * after this mailet returned, so a crash at any point leaves the mail in one queue or the other (at worst in both:
 * delivered twice, never lost). Records the mail's arrival in the outbound queue ({@link DeliveryAttributes#ARRIVAL})
 * once. Uses only James's MailQueue API, so any James queue backend works.
 *
 * <pre>{@code
 * <mailet match="All" class="org.postern.queue.HandOffToOutbound">
 *     <directAttempts>10</directAttempts>   <!-- default 10; 0: every mail waits in the queue for its first attempt -->
 * </mailet>
 * }</pre>
 */
public class HandOffToOutbound extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(HandOffToOutbound.class);
    public static final int DEFAULT_DIRECT_ATTEMPTS = 10;

    private final MailQueueFactory<?> queues;
    private final DirectDelivery direct;
    private final ConfigurationProvider configuration;
    private final Clock clock;
    private MailQueue queue;
    private Semaphore directSlots;

    @Inject
    public HandOffToOutbound(MailQueueFactory<?> queues, DirectDelivery direct, ConfigurationProvider configuration) {
        this(queues, direct, configuration, Clock.systemUTC());
    }

    public HandOffToOutbound(MailQueueFactory<?> queues, DirectDelivery direct, ConfigurationProvider configuration, Clock clock) {
        this.queues = queues;
        this.direct = direct;
        this.configuration = configuration;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("queue", "directAttempts"));
        String name;
        try {
            name = getInitParameter("queue", OutboundQueue.name(configuration)).trim();
        } catch (ConfigurationException e) {
            throw new MailetException(getMailetName() + ": " + e.getMessage(), e);
        }
        if (!OutboundQueue.isName(name)) {
            throw new MailetException(getMailetName() + ": 'queue' = '" + name + "': must be a queue name (letters, digits, . _ -)");
        }
        String slots = getInitParameter("directAttempts", String.valueOf(DEFAULT_DIRECT_ATTEMPTS)).trim();
        if (!slots.matches("\\d{1,4}")) {
            throw new MailetException(getMailetName() + ": 'directAttempts' = '" + slots + "': must be a whole number, 0 or more");
        }
        directSlots = new Semaphore(Integer.parseInt(slots));
        queue = queues.createQueue(MailQueueName.of(name));
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (mail.getAttribute(DeliveryAttributes.ARRIVAL).isEmpty()) {
            mail.setAttribute(new Attribute(DeliveryAttributes.ARRIVAL, AttributeValue.of(clock.millis())));
        }
        if (!attemptedNow(mail)) {
            queue.enQueue(mail);
            LOGGER.debug("{}: handed off to queue {}", mail.getName(), queue.getName().asString());
        }
        mail.setState(Mail.GHOST);
    }

    /** True when the delivery routes took care of the mail at once; false when it must be queued. */
    private boolean attemptedNow(Mail mail) {
        Optional<DirectDelivery.Route> route = direct.route();
        if (route.isEmpty() || !directSlots.tryAcquire()) {
            return false;
        }
        try {
            return route.get().attempt(mail);
        } catch (Exception e) {
            LOGGER.warn("{}: attempt from the spool failed ({}); the mail goes to queue {}", mail.getName(), e.getMessage(),
                queue.getName().asString());
            return false;
        } finally {
            directSlots.release();
        }
    }

    @Override
    public String getMailetInfo() {
        return "Postern: durable hand-off of routed mail to the outbound queue";
    }
}
