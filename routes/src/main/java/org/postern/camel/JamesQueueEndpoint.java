package org.postern.camel;

import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;
import org.apache.james.queue.api.MailQueue;
import org.apache.mailet.Mail;

/** One James mail queue. Producing enqueues the {@link Mail} found in the exchange property {@link DeliveryHeaders#MAIL}. */
public class JamesQueueEndpoint extends DefaultEndpoint {
    private final MailQueue queue;
    private final int concurrentConsumers;

    JamesQueueEndpoint(String uri, JamesQueueComponent component, MailQueue queue, int concurrentConsumers) {
        super(uri, component);
        this.queue = queue;
        this.concurrentConsumers = concurrentConsumers;
    }

    public MailQueue queue() {
        return queue;
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        return new JamesQueueConsumer(this, processor, queue, concurrentConsumers);
    }

    @Override
    public Producer createProducer() {
        return new DefaultProducer(this) {
            @Override
            public void process(Exchange exchange) throws Exception {
                queue.enQueue(exchange.getProperty(DeliveryHeaders.MAIL, Mail.class));
            }
        };
    }
}
