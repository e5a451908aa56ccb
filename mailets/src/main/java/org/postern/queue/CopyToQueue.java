package org.postern.queue;

import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.commons.configuration2.ex.ConfigurationException;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds an admin route: puts a copy of the mail into the persistent James mail queue {@code queue} (required) and
 * lets the mail go on down the pipeline, unchanged. An admin route in {@code james-conf/routes/} reads that queue
 * ({@code <from uri="james-queue:archive"/>}) at its own pace: a slow or failing admin route only lets its own queue
 * grow and never holds up delivery. The copy keeps the mail's name (the queue id), so a copy the spool replays after
 * a crash carries the same id as the first one (at least once, never zero times).
 *
 * <p>The queue must not be the spool ({@code spool}, a loop) or the delivery queue ({@code outbound}, a second
 * delivery). A queue that nothing reads grows without end: add the route that reads it in the same change.
 *
 * <pre>{@code
 * <!-- in the root processor: a copy of every mail accepted, as received -->
 * <mailet match="All" class="org.postern.queue.CopyToQueue">
 *     <queue>archive</queue>
 * </mailet>
 * }</pre>
 */
public class CopyToQueue extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(CopyToQueue.class);

    private final MailQueueFactory<?> queues;
    private final ConfigurationProvider configuration;
    private MailQueue queue;

    @Inject
    public CopyToQueue(MailQueueFactory<?> queues, ConfigurationProvider configuration) {
        this.queues = queues;
        this.configuration = configuration;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("queue"));
        String name = getInitParameter("queue", "").trim();
        if (name.isEmpty()) {
            throw new MailetException(getMailetName() + ": 'queue' is required: the James queue an admin route reads");
        }
        if (!OutboundQueue.isName(name)) {
            throw new MailetException(getMailetName() + ": 'queue' = '" + name + "': must be a queue name (letters, digits, . _ -)");
        }
        if (name.equals(MailQueueFactory.SPOOL.asString()) || name.equals(outboundQueue())) {
            throw new MailetException(getMailetName() + ": 'queue' = '" + name + "': belongs to the spool or to delivery; name a queue of its own");
        }
        queue = queues.createQueue(MailQueueName.of(name));
    }

    private String outboundQueue() throws MailetException {
        try {
            return OutboundQueue.name(configuration);
        } catch (ConfigurationException e) {
            throw new MailetException(getMailetName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        queue.enQueue(mail);
        LOGGER.debug("{}: copied to queue {}", mail.getName(), queue.getName().asString());
    }

    @Override
    public String getMailetInfo() {
        return "Postern: durable copy of the mail into a queue that an admin route reads";
    }
}
