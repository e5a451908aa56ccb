package org.postern.server.queue;

import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.annotation.PreDestroy;
import javax.inject.Inject;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.postern.metrics.PosternMetrics;

/**
 * James's mail queues (the spool, the outbound queue, admin-route queues) kept in one {@link QueueStore}. At start
 * every mail found in the store is put back in its queue, due as it was.
 */
public class StoreMailQueueFactory implements MailQueueFactory<StoreMailQueue> {
    private final QueueStore store;
    private final MailQueueItemDecoratorFactory decorators;
    private final GaugeRegistry gauges;
    private final Clock clock;
    /** 32 MB of messages kept ready in memory across all queues: about 15,000 mails of 2 KB. */
    private final HotBudget hotBudget = new HotBudget(32L * 1024 * 1024);
    private final Map<MailQueueName, StoreMailQueue> queues = new ConcurrentHashMap<>();

    @Inject
    public StoreMailQueueFactory(QueueStore store, MailQueueItemDecoratorFactory decorators, GaugeRegistry gauges,
                                 PosternMetrics metrics) throws SQLException {
        this(store, decorators, gauges, Clock.systemUTC());
        metrics.register(new QueueMetrics(this));
    }

    public StoreMailQueueFactory(QueueStore store, MailQueueItemDecoratorFactory decorators, GaugeRegistry gauges) throws SQLException {
        this(store, decorators, gauges, Clock.systemUTC());
    }

    StoreMailQueueFactory(QueueStore store, MailQueueItemDecoratorFactory decorators, GaugeRegistry gauges, Clock clock) throws SQLException {
        this.store = store;
        this.decorators = decorators;
        this.gauges = gauges;
        this.clock = clock;
        for (QueueStore.IndexRow row : store.index()) {
            createQueue(MailQueueName.of(row.queue())).restore(row);
        }
    }

    @Override
    public Optional<StoreMailQueue> getQueue(MailQueueName name, PrefetchCount count) {
        return Optional.ofNullable(queues.get(name));
    }

    @Override
    public StoreMailQueue createQueue(MailQueueName name, PrefetchCount count) {
        return queues.computeIfAbsent(name, any -> {
            StoreMailQueue queue = new StoreMailQueue(name, store, decorators, clock, hotBudget);
            gauges.register(MailQueue.QUEUE_SIZE_METRIC_NAME_PREFIX + name.asString(), queue::getSize);
            return queue;
        });
    }

    /** Every queue made so far. */
    java.util.Collection<StoreMailQueue> queues() {
        return queues.values();
    }

    @Override
    public Set<MailQueueName> listCreatedMailQueues() {
        return Set.copyOf(queues.keySet());
    }

    @PreDestroy
    public void close() {
        store.close();
    }
}
