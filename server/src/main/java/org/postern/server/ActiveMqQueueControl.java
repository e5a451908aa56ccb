package org.postern.server;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import javax.inject.Inject;
import javax.jms.Connection;
import javax.jms.ConnectionFactory;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.ObjectMessage;
import javax.jms.Queue;
import javax.jms.QueueBrowser;
import javax.jms.Session;

import org.apache.activemq.BlobMessage;
import org.apache.activemq.command.ActiveMQBlobMessage;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.james.queue.jms.JMSCacheableMailQueue;
import org.apache.james.queue.jms.JMSSupport;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.postern.delivery.DeliveryLog;
import org.postern.delivery.Envelope;
import org.postern.queue.DeferredMailFlush;
import org.postern.queue.DeliveryAttributes;
import org.postern.queue.QueueControl;
import org.postern.queue.QueuedMail;
import org.postern.routing.RoutingAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queue control on the ActiveMQ outbound queue, the way {@link ActiveMqDeferredMailFlush} flushes: each operation
 * is one JMS transaction that takes the selected messages off the queue and puts a changed copy back (or none,
 * for delete and bounce); the commit makes both happen or neither, so nothing is lost or doubled. James's queue
 * keeps a mail's state in JMS properties (attributes as their JSON), so a copy with changed properties is the
 * changed mail; the message body (a blob) is shared by the copy.
 *
 * <p>A held message is due at {@link #HELD_UNTIL} and marked {@link #HELD}; James's consumer only takes messages
 * that are due or forced, and flush and ETRN skip held ones. A bounce puts its DSN into the spool before the
 * removal commits: a failure in between leaves the mail queued, and at worst a second bounce sends a second DSN.</p>
 */
public class ActiveMqQueueControl implements QueueControl {
    private static final Logger LOGGER = LoggerFactory.getLogger(ActiveMqQueueControl.class);
    /** JMS property (boolean) of a held message. */
    static final String HELD = "POSTERN_HELD";
    /** The due time of a held message: never, in practice. */
    static final long HELD_UNTIL = Instant.parse("9999-12-31T00:00:00Z").toEpochMilli();
    /** Bounds one operation; a larger backlog is handled by asking again. */
    static final int MAX_MESSAGES = 10_000;

    private final ConnectionFactory connections;
    private final AdministratorBounce bounces;

    @Inject
    public ActiveMqQueueControl(ConnectionFactory connections, AdministratorBounce bounces) {
        this.connections = connections;
        this.bounces = bounces;
    }

    @Override
    public List<QueuedMail> list(Optional<String> domain, Optional<String> sender, int limit) throws QueueException {
        Connection connection = null;
        try {
            connection = connections.createConnection();
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = session.createQueue(DeferredMailFlush.OUTBOUND_QUEUE);
            QueueBrowser browser = domain.isPresent()
                ? session.createBrowser(queue, ActiveMqDeferredMailFlush.recipientIn(domain.get(), false))
                : session.createBrowser(queue);
            List<QueuedMail> mails = new ArrayList<>();
            for (Object element : Collections.list(browser.getEnumeration())) {
                Message message = (Message) element;
                if (domain.isPresent() && !ActiveMqDeferredMailFlush.hasRecipientIn(recipientsOf(message), domain.get(), false)) {
                    continue;
                }
                QueuedMail mail = describe(message);
                if (sender.isPresent() && !mail.sender().equalsIgnoreCase(sender.get())) {
                    continue;
                }
                mails.add(mail);
                if (mails.size() >= limit) {
                    break;
                }
            }
            return mails;
        } catch (JMSException e) {
            throw new QueueException("cannot read the outbound queue: " + e.getMessage(), e);
        } finally {
            closeQuietly(connection);
        }
    }

    @Override
    public int flush(Optional<String> domain) throws QueueException {
        String selector = JMSSupport.JAMES_NEXT_DELIVERY + " > " + System.currentTimeMillis() + " AND " + HELD + " IS NULL"
            + domain.map(wanted -> " AND " + ActiveMqDeferredMailFlush.recipientIn(wanted, false)).orElse("");
        Predicate<Message> matches = message -> domain.isEmpty() || inDomain(message, domain.get(), false);
        return transact("flush " + domain.orElse("all"), selector, matches, (session, message) -> dueNow(copy(message)));
    }

    @Override
    public boolean hold(String id) throws QueueException {
        return transact("hold " + id, byName(id), any -> true, (session, message) -> {
            ActiveMQMessage held = copy(message);
            held.removeProperty(JMSCacheableMailQueue.FORCE_DELIVERY);
            held.setLongProperty(JMSSupport.JAMES_NEXT_DELIVERY, HELD_UNTIL);
            held.setBooleanProperty(HELD, true);
            return held;
        }) > 0;
    }

    @Override
    public boolean release(String id) throws QueueException {
        return transact("release " + id, byName(id), any -> true, (session, message) -> dueNow(copy(message))) > 0;
    }

    @Override
    public boolean delete(String id) throws QueueException {
        return transact("delete " + id, byName(id), any -> true, (session, message) -> null) > 0;
    }

    @Override
    public boolean bounce(String id) throws QueueException {
        return transact("bounce " + id, byName(id), any -> true, (session, message) -> {
            bounces.bounce(envelope(message), body(message));
            return null;
        }) > 0;
    }

    @Override
    public int reroute(String domain, String nextHop) throws QueueException {
        String recorded = nextHop.equals(MX) ? "mx:" + domain : nextHop;
        return transact("reroute " + domain + " to " + recorded, ActiveMqDeferredMailFlush.recipientIn(domain, false),
            message -> allRecipientsIn(recipientsOf(message), domain), (session, message) -> {
                ActiveMQMessage changed = copy(message);
                setAttribute(changed, RoutingAttributes.NEXT_HOP, recorded);
                setAttribute(changed, RoutingAttributes.ROUTE, "re-routed by the administrator to " + recorded);
                return changed.propertyExists(HELD) ? changed : dueNow(changed);
            });
    }

    private interface Change {
        /** The message to put back in place of {@code message}, or null to remove it. */
        Message apply(Session session, Message message) throws Exception;
    }

    /**
     * One JMS transaction: every message the selector gives is taken off the queue; those {@code wanted} are
     * replaced by {@code change}'s result (or removed), the others put back unchanged. Returns how many were wanted.
     */
    private int transact(String operation, String selector, Predicate<Message> wanted, Change change) throws QueueException {
        Connection connection = null;
        List<ActiveMQBlobMessage> removed = new ArrayList<>();
        try {
            connection = connections.createConnection();
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            Queue queue = session.createQueue(DeferredMailFlush.OUTBOUND_QUEUE);
            MessageConsumer consumer = session.createConsumer(queue, selector);
            MessageProducer producer = session.createProducer(queue);
            int changed = 0;
            for (Message message = consumer.receive(1000); message != null; message = consumer.receive(200)) {
                Message replacement = copy(message);
                if (wanted.test(message)) {
                    DeliveryLog.event(message.getStringProperty(JMSSupport.JAMES_MAIL_NAME), "queue control: " + operation);
                    replacement = change.apply(session, message);
                    changed++;
                }
                if (replacement != null) {
                    producer.send(replacement, message.getJMSDeliveryMode(), message.getJMSPriority(), Message.DEFAULT_TIME_TO_LIVE);
                } else if (message instanceof ActiveMQBlobMessage blob) {
                    removed.add(blob);
                }
                if (changed >= MAX_MESSAGES) {
                    break;
                }
            }
            session.commit();
            for (ActiveMQBlobMessage blob : removed) {
                try {
                    blob.deleteFile();
                } catch (Exception e) {
                    LOGGER.warn("{}: the message is off the queue but its blob could not be deleted", blob.getStringProperty(JMSSupport.JAMES_MAIL_NAME), e);
                }
            }
            if (changed > 0) {
                LOGGER.info("queue control: {}: {} message(s)", operation, changed);
            }
            return changed;
        } catch (Exception e) {
            throw new QueueException("cannot " + operation + " in the outbound queue: " + e.getMessage(), e);
        } finally {
            closeQuietly(connection);
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close(); // an uncommitted session rolls back
            } catch (JMSException e) {
                // nothing was committed after the failure that brought us here
            }
        }
    }

    static String byName(String id) {
        return JMSSupport.JAMES_MAIL_NAME + " = '" + id.replace("'", "''") + "'";
    }

    private static ActiveMQMessage copy(Message message) {
        return ActiveMqDeferredMailFlush.copy(message);
    }

    private static ActiveMQMessage dueNow(ActiveMQMessage message) throws JMSException, IOException {
        message.removeProperty(HELD);
        message.setBooleanProperty(JMSCacheableMailQueue.FORCE_DELIVERY, true);
        message.setLongProperty(JMSSupport.JAMES_NEXT_DELIVERY, System.currentTimeMillis());
        return message;
    }

    /** Sets a mail attribute the way James's JMS queue stores it: the value's JSON, the name listed. */
    private static void setAttribute(ActiveMQMessage message, AttributeName name, String value) throws JMSException {
        message.setStringProperty(name.asString(), AttributeValue.of(value).toJson().orElseThrow().toString());
        String names = message.getStringProperty(JMSSupport.JAMES_MAIL_ATTRIBUTE_NAMES);
        Set<String> listed = new LinkedHashSet<>(names == null || names.isEmpty() ? List.of()
            : Arrays.asList(names.split(JMSSupport.JAMES_MAIL_SEPARATOR)));
        listed.add(name.asString());
        message.setStringProperty(JMSSupport.JAMES_MAIL_ATTRIBUTE_NAMES, String.join(JMSSupport.JAMES_MAIL_SEPARATOR, listed));
    }

    private static <T> Optional<T> attribute(Message message, AttributeName name, Class<T> type) {
        try {
            String json = message.getStringProperty(name.asString());
            return json == null ? Optional.empty() : AttributeValue.fromJsonString(json).valueAs(type);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static String recipientsOf(Message message) {
        try {
            return message.getStringProperty(JMSSupport.JAMES_MAIL_RECIPIENTS);
        } catch (JMSException e) {
            return null;
        }
    }

    private static List<String> recipientList(Message message) {
        String recipients = recipientsOf(message);
        return recipients == null || recipients.isEmpty() ? List.of()
            : Arrays.stream(recipients.split(JMSSupport.JAMES_MAIL_SEPARATOR)).map(String::trim).filter(r -> !r.isEmpty()).toList();
    }

    private static boolean inDomain(Message message, String domain, boolean subdomains) {
        return ActiveMqDeferredMailFlush.hasRecipientIn(recipientsOf(message), domain, subdomains);
    }

    static boolean allRecipientsIn(String recipients, String domain) {
        return recipients != null && !recipients.isEmpty() && Arrays.stream(recipients.split(JMSSupport.JAMES_MAIL_SEPARATOR))
            .allMatch(address -> address.substring(address.lastIndexOf('@') + 1).trim().toLowerCase(Locale.ROOT).equals(domain));
    }

    static QueuedMail describe(Message message) throws JMSException {
        boolean held = message.propertyExists(HELD) && message.getBooleanProperty(HELD);
        boolean forced = message.propertyExists(JMSCacheableMailQueue.FORCE_DELIVERY)
            && message.getBooleanProperty(JMSCacheableMailQueue.FORCE_DELIVERY);
        long due = message.propertyExists(JMSSupport.JAMES_NEXT_DELIVERY) ? message.getLongProperty(JMSSupport.JAMES_NEXT_DELIVERY) : 0;
        Optional<Instant> next = held ? Optional.empty() : Optional.of(forced ? Instant.now() : Instant.ofEpochMilli(due));
        String sender = message.getStringProperty(JMSSupport.JAMES_MAIL_SENDER);
        return new QueuedMail(message.getStringProperty(JMSSupport.JAMES_MAIL_NAME), sender == null ? "" : sender,
            recipientList(message), attribute(message, DeliveryAttributes.ATTEMPTS, Integer.class).orElse(0), next, held,
            attribute(message, DeliveryAttributes.LAST_REPLY, String.class),
            attribute(message, RoutingAttributes.NEXT_HOP, String.class));
    }

    private static Envelope envelope(Message message) throws JMSException {
        QueuedMail mail = describe(message);
        Instant arrival = attribute(message, DeliveryAttributes.ARRIVAL, Long.class).map(Instant::ofEpochMilli)
            .orElseGet(() -> Instant.ofEpochMilli(lastUpdated(message)));
        return new Envelope(mail.id(), mail.sender(), mail.recipients(), mail.nextHop().orElse("error"), arrival);
    }

    private static long lastUpdated(Message message) {
        try {
            return message.getLongProperty(JMSSupport.JAMES_MAIL_LAST_UPDATED);
        } catch (Exception e) {
            return System.currentTimeMillis();
        }
    }

    /** The message bytes as James stored them (a blob, or a byte array in an object message). */
    private static byte[] body(Message message) throws JMSException, IOException {
        if (message instanceof BlobMessage blob) {
            try (InputStream in = blob.getInputStream()) {
                return in.readAllBytes();
            }
        }
        if (message instanceof ObjectMessage object && object.getObject() instanceof byte[] bytes) {
            return bytes;
        }
        throw new JMSException("unsupported message body in the outbound queue: " + message.getClass().getName());
    }
}
