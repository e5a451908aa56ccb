package org.postern.server;

import java.util.Arrays;
import java.util.Locale;

import javax.inject.Inject;
import javax.jms.Connection;
import javax.jms.ConnectionFactory;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.Queue;
import javax.jms.Session;

import org.apache.activemq.command.ActiveMQBlobMessage;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.james.queue.jms.JMSCacheableMailQueue;
import org.apache.james.queue.jms.JMSSupport;
import org.postern.queue.DeferredMailFlush;

/**
 * ETRN's flush on the ActiveMQ outbound queue, the way James's own whole-queue flush works but for one
 * destination: in one JMS transaction, each deferred message with a matching recipient is taken off the queue and
 * put back marked for delivery now. The commit makes both happen or neither, so a crash during a flush leaves every
 * message in the queue exactly once.
 */
public class ActiveMqDeferredMailFlush implements DeferredMailFlush {
    /** Bounds one flush; a larger backlog is flushed by asking again. */
    static final int MAX_MESSAGES = 10_000;

    private final ConnectionFactory connections;

    @Inject
    public ActiveMqDeferredMailFlush(ConnectionFactory connections) {
        this.connections = connections;
    }

    @Override
    public int flush(String domain, boolean subdomains) throws FlushException {
        String wanted = domain.toLowerCase(Locale.ROOT);
        Connection connection = null;
        try {
            connection = connections.createConnection();
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            Queue queue = session.createQueue(OUTBOUND_QUEUE);
            MessageConsumer consumer = session.createConsumer(queue, selector(wanted, subdomains, System.currentTimeMillis()));
            MessageProducer producer = session.createProducer(queue);
            int flushed = 0;
            for (Message message = consumer.receive(1000); message != null; message = consumer.receive(200)) {
                if (!hasRecipientIn(message.getStringProperty(JMSSupport.JAMES_MAIL_RECIPIENTS), wanted, subdomains)) {
                    session.rollback(); // the selector is wider than the rule: leave the queue as it was
                    throw new JMSException("recipient list does not match its selector: " + message.getJMSMessageID());
                }
                producer.send(dueNow(message), message.getJMSDeliveryMode(), message.getJMSPriority(), Message.DEFAULT_TIME_TO_LIVE);
                if (++flushed >= MAX_MESSAGES) {
                    break;
                }
            }
            session.commit();
            return flushed;
        } catch (JMSException e) {
            throw new FlushException("cannot flush the outbound queue for " + domain + ": " + e.getMessage(), e);
        } finally {
            closeQuietly(connection);
        }
    }

    /** Closing the connection closes its session, consumer and producer; an uncommitted session rolls back. */
    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (JMSException e) {
                // nothing was committed after the failure that brought us here
            }
        }
    }

    /** Deferred messages (due later, not held) with a recipient in the domain; recipients are joined by ';'. */
    static String selector(String domain, boolean subdomains, long now) {
        return JMSSupport.JAMES_NEXT_DELIVERY + " > " + now + " AND " + ActiveMqQueueControl.HELD + " IS NULL AND "
            + recipientIn(domain, subdomains);
    }

    /** A selector clause: a recipient in the domain (or, with {@code subdomains}, in one of its subdomains). */
    static String recipientIn(String domain, boolean subdomains) {
        String escaped = domain.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%").replace("'", "''");
        String separator = JMSSupport.JAMES_MAIL_SEPARATOR;
        String at = subdomains ? "." : "@";
        String recipients = JMSSupport.JAMES_MAIL_RECIPIENTS;
        return "(" + recipients + " LIKE '%" + at + escaped + "' ESCAPE '\\' OR "
            + recipients + " LIKE '%" + at + escaped + separator + "%' ESCAPE '\\')";
    }

    static boolean hasRecipientIn(String recipients, String domain, boolean subdomains) {
        if (recipients == null) {
            return false;
        }
        return Arrays.stream(recipients.split(JMSSupport.JAMES_MAIL_SEPARATOR))
            .map(address -> address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT))
            .anyMatch(recipientDomain -> subdomains ? recipientDomain.endsWith("." + domain) : recipientDomain.equals(domain));
    }

    private static Message dueNow(Message message) throws JMSException {
        ActiveMQMessage copy = copy(message);
        copy.setBooleanProperty(JMSCacheableMailQueue.FORCE_DELIVERY, true);
        copy.setLongProperty(JMSSupport.JAMES_NEXT_DELIVERY, System.currentTimeMillis());
        return copy;
    }

    /**
     * A copy to put back, sharing the message's blob (the body). Over the embedded broker's vm:// transport a
     * received blob message still carries the uploader of its first send, whose stream is spent: sending a copy
     * with it would upload an empty body and point the copy at it. Without an uploader the copy keeps the URL.
     */
    static ActiveMQMessage copy(Message message) {
        ActiveMQMessage copy = (ActiveMQMessage) ((ActiveMQMessage) message).copy();
        copy.setReadOnlyProperties(false);
        if (copy instanceof ActiveMQBlobMessage blob) {
            blob.setBlobUploader(null);
        }
        return copy;
    }
}
