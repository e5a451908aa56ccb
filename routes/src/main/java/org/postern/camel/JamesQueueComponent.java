package org.postern.camel;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;

/**
 * {@code james-queue:<name>[?concurrentConsumers=n]}: a James mail queue as a Camel endpoint, whatever James
 * queue backend holds it (ActiveMQ here). Consuming takes mails off the queue and acknowledges each one only once
 * its exchange completed without an exception; an exception gives the mail back to the queue.
 */
public class JamesQueueComponent extends DefaultComponent {
    public static final String SCHEME = "james-queue";

    private final MailQueueFactory<?> queues;

    public JamesQueueComponent(MailQueueFactory<?> queues) {
        this.queues = queues;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        int concurrentConsumers = 1;
        Object value = parameters.remove("concurrentConsumers");
        if (value != null) {
            concurrentConsumers = Integer.parseInt(value.toString());
            if (concurrentConsumers < 1) {
                throw new IllegalArgumentException(uri + ": concurrentConsumers must be 1 or more");
            }
        }
        if (!parameters.isEmpty()) {
            throw new IllegalArgumentException(uri + ": unknown options " + parameters.keySet());
        }
        return new JamesQueueEndpoint(uri, this, queues.createQueue(MailQueueName.of(remaining)), concurrentConsumers);
    }
}
