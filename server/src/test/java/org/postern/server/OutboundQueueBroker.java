package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import javax.jms.Connection;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.jms.ObjectMessage;
import javax.jms.QueueBrowser;
import javax.jms.Session;

import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.broker.BrokerService;
import org.apache.james.queue.jms.JMSSupport;
import org.postern.queue.DeferredMailFlush;

/**
 * An in-JVM, non-persistent ActiveMQ broker with the outbound queue, for tests of the JMS operations on it: it
 * writes messages laid out as James's JMS mail queue writes them and browses the queue back.
 */
final class OutboundQueueBroker implements AutoCloseable {
    interface Properties {
        void set(ObjectMessage message) throws JMSException;
    }

    private final BrokerService broker;
    private final ActiveMQConnectionFactory factory;

    private OutboundQueueBroker(BrokerService broker, ActiveMQConnectionFactory factory) {
        this.broker = broker;
        this.factory = factory;
    }

    static OutboundQueueBroker start(String name) throws Exception {
        BrokerService broker = new BrokerService();
        broker.setBrokerName(name);
        broker.setPersistent(false);
        broker.setUseJmx(false);
        broker.start();
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("vm://" + name + "?create=false");
        factory.setTrustAllPackages(true);
        return new OutboundQueueBroker(broker, factory);
    }

    ActiveMQConnectionFactory factory() {
        return factory;
    }

    /** Puts a mail named {@code name} for {@code recipients} (";"-joined), due at {@code nextDelivery}. */
    void send(String name, String recipients, long nextDelivery, Properties more) throws Exception {
        Connection connection = factory.createConnection();
        try {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            ObjectMessage message = session.createObjectMessage(("body of " + name).getBytes());
            message.setStringProperty(JMSSupport.JAMES_MAIL_NAME, name);
            message.setStringProperty(JMSSupport.JAMES_MAIL_RECIPIENTS, recipients);
            message.setLongProperty(JMSSupport.JAMES_NEXT_DELIVERY, nextDelivery);
            more.set(message);
            session.createProducer(session.createQueue(DeferredMailFlush.OUTBOUND_QUEUE)).send(message);
        } finally {
            connection.close();
        }
    }

    /** Mail name to message, for every message in the queue; a name seen twice fails the test. */
    Map<String, Message> browse() throws Exception {
        Map<String, Message> messages = new HashMap<>();
        Connection connection = factory.createConnection();
        try {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            QueueBrowser browser = session.createBrowser(session.createQueue(DeferredMailFlush.OUTBOUND_QUEUE));
            for (Object element : Collections.list(browser.getEnumeration())) {
                Message message = (Message) element;
                String name = message.getStringProperty(JMSSupport.JAMES_MAIL_NAME);
                assertThat(messages).as("each message once").doesNotContainKey(name);
                messages.put(name, message);
            }
        } finally {
            connection.close();
        }
        return messages;
    }

    @Override
    public void close() throws Exception {
        broker.stop();
    }
}
