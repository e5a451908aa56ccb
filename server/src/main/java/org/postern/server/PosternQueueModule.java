package org.postern.server;

import javax.inject.Singleton;
import javax.jms.ConnectionFactory;

import org.apache.activemq.store.PersistenceAdapter;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.queue.activemq.ActiveMQHealthCheck;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.EmbeddedActiveMQ;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollector;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollectorNoop;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.postern.queue.DeferredMailFlush;
import org.postern.queue.QueueControl;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;

/**
 * Persistent mail queues (the spool, later the outbound queue) on an embedded ActiveMQ broker with its KahaDB
 * journal under the data directory. An enqueue returns only once the broker has the message on disk, which is
 * what lets the SMTP server answer 250 after DATA.
 */
public class PosternQueueModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(KahaDBPersistenceAdapter.class).in(Scopes.SINGLETON);
        bind(PersistenceAdapter.class).to(KahaDBPersistenceAdapter.class);
        bind(EmbeddedActiveMQ.class).in(Scopes.SINGLETON);
        bind(ConcurrentProducerMailQueueFactory.class).in(Scopes.SINGLETON);
        bind(ActiveMQMailQueueFactory.class).to(ConcurrentProducerMailQueueFactory.class);
        bind(ActiveMQMetricCollector.class).to(ActiveMQMetricCollectorNoop.class);
        Multibinder.newSetBinder(binder(), HealthCheck.class).addBinding().to(ActiveMQHealthCheck.class);
        bind(DeferredMailFlush.class).to(ActiveMqDeferredMailFlush.class);
        bind(QueueControl.class).to(ActiveMqQueueControl.class);
    }

    @Provides
    @Singleton
    ConnectionFactory connectionFactory(EmbeddedActiveMQ broker) {
        return broker.getConnectionFactory();
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends ManageableMailQueue> manageableQueues(ActiveMQMailQueueFactory factory) {
        factory.setUseJMX(false);
        factory.init();
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<?> queues(MailQueueFactory<? extends ManageableMailQueue> factory) {
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends MailQueue> typedQueues(MailQueueFactory<? extends ManageableMailQueue> factory) {
        return factory;
    }
}
