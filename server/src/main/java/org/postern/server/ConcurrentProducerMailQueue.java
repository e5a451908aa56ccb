package org.postern.server;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import javax.jms.ConnectionFactory;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.jms.MessageProducer;
import javax.jms.Session;
import javax.mail.MessagingException;

import org.apache.activemq.ActiveMQSession;
import org.apache.activemq.BlobMessage;
import org.apache.activemq.command.ActiveMQBlobMessage;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.activemq.ActiveMQCacheableMailQueue;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.Mail;
import org.apache.james.server.core.MimeMessageInputStream;

/**
 * James's ActiveMQ mail queue with enqueues that run in parallel.
 *
 * <p>James sends every message of a queue through one JMS session, and a persistent send holds that session until
 * the broker has the message on disk: all SMTP sessions then wait for each other's disk write. Here each enqueue
 * borrows one of several sessions, so concurrent sends reach the broker together and its journal writes them in
 * one batch. The durability is unchanged: a send still returns only once the message is stored.</p>
 */
class ConcurrentProducerMailQueue extends ActiveMQCacheableMailQueue {
    private final BlockingQueue<Producer> producers;

    private record Producer(ActiveMQSession session, MessageProducer producer) {
    }

    ConcurrentProducerMailQueue(ConnectionFactory connectionFactory, MailQueueItemDecoratorFactory decoratorFactory,
                                MailQueueName name, MetricFactory metricFactory, GaugeRegistry gaugeRegistry, int producerCount) {
        super(connectionFactory, decoratorFactory, name, true, metricFactory, gaugeRegistry);
        this.producers = new ArrayBlockingQueue<>(producerCount);
        for (int i = 0; i < producerCount; i++) {
            producers.add(newProducer());
        }
    }

    private Producer newProducer() {
        try {
            ActiveMQSession producerSession = (ActiveMQSession) connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            return new Producer(producerSession, producerSession.createProducer(producerSession.createQueue(queueName.asString())));
        } catch (JMSException e) {
            throw new IllegalStateException("cannot open a producer on queue " + queueName.asString(), e);
        }
    }

    @Override
    protected void produceMail(Map<String, Object> props, int msgPrio, Mail mail) throws JMSException, MessagingException, IOException {
        Producer borrowed;
        try {
            borrowed = producers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a queue producer", e);
        }
        boolean healthy = false;
        BlobMessage message = null;
        try {
            message = borrowed.session().createBlobMessage(new MimeMessageInputStream(mail.getMessage()));
            for (Map.Entry<String, Object> property : props.entrySet()) {
                message.setObjectProperty(property.getKey(), property.getValue());
            }
            borrowed.producer().send(message, Message.DEFAULT_DELIVERY_MODE, msgPrio, Message.DEFAULT_TIME_TO_LIVE);
            healthy = true;
        } catch (JMSException e) {
            if (message instanceof ActiveMQBlobMessage blob) {
                blob.deleteFile();
            }
            throw e;
        } finally {
            producers.add(healthy ? borrowed : replace(borrowed));
        }
    }

    private Producer replace(Producer broken) {
        try {
            broken.session().close();
        } catch (JMSException e) {
            // already unusable
        }
        return newProducer();
    }

    @Override
    public void dispose() {
        for (Producer producer : producers) {
            try {
                producer.session().close();
            } catch (JMSException e) {
                // closing anyway
            }
        }
        super.dispose();
    }
}
