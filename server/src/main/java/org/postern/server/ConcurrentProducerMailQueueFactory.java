package org.postern.server;

import javax.inject.Inject;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.EmbeddedActiveMQ;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollector;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;

/** Creates {@link ConcurrentProducerMailQueue}s on the embedded broker. */
class ConcurrentProducerMailQueueFactory extends ActiveMQMailQueueFactory {
    /** Enough for the SMTP sessions and spooler threads that enqueue at once on a small machine. */
    static final int PRODUCERS_PER_QUEUE = 16;

    @Inject
    ConcurrentProducerMailQueueFactory(EmbeddedActiveMQ broker, MailQueueItemDecoratorFactory decoratorFactory,
                                       MetricFactory metricFactory, GaugeRegistry gaugeRegistry,
                                       ActiveMQMetricCollector metricCollector) {
        super(broker, decoratorFactory, metricFactory, gaugeRegistry, metricCollector);
    }

    @Override
    protected ManageableMailQueue createCacheableMailQueue(MailQueueName name) {
        return new ConcurrentProducerMailQueue(connectionFactory, mailQueueItemDecoratorFactory, name,
            metricFactory, gaugeRegistry, PRODUCERS_PER_QUEUE);
    }
}
