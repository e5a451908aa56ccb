package org.postern.server;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;

import javax.inject.Singleton;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.postern.queue.QueueControl;
import org.postern.server.queue.ActiveMqMigration;
import org.postern.server.queue.QueueStore;
import org.postern.server.queue.StoreMailQueueFactory;
import org.postern.server.queue.StoreQueueControl;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;

/**
 * James's mail queues (the spool, the outbound queue, admin-route queues) in Postern's {@link QueueStore}, one
 * SQLite file under the data directory ({@code store/queue.db}). An enqueue returns only once the store has the
 * mail on disk, which is what lets the SMTP server answer 250 after DATA. Mail left in the ActiveMQ queues of an
 * earlier version is moved in at the first start ({@link ActiveMqMigration}).
 */
public class PosternQueueModule extends AbstractModule {
    static final String STORE_FILE = "store/queue.db";

    @Override
    protected void configure() {
        bind(StoreMailQueueFactory.class).in(Scopes.SINGLETON);
        bind(StoreQueueControl.class).in(Scopes.SINGLETON);
        bind(QueueControl.class).to(StoreQueueControl.class);
    }

    @Provides
    @Singleton
    QueueStore queueStore(JamesDirectoriesProvider directories, FileSystem fileSystem, MetricFactory metrics) {
        Path data = Path.of(directories.getRootDirectory());
        Path file = data.resolve(STORE_FILE);
        QueueStore store;
        try {
            store = QueueStore.open(file);
        } catch (SQLException e) {
            throw new InvalidConfigurationException(file + ": cannot open the mail queue store: " + e.getMessage());
        }
        try {
            ActiveMqMigration.run(data, store, fileSystem, metrics);
        } catch (SQLException | IOException e) {
            store.close();
            throw new InvalidConfigurationException(data.resolve("store/activemq") + ": cannot move its mail into "
                + file + ": " + e.getMessage());
        }
        return store;
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends ManageableMailQueue> manageableQueues(StoreMailQueueFactory factory) {
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<?> queues(StoreMailQueueFactory factory) {
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends MailQueue> typedQueues(StoreMailQueueFactory factory) {
        return factory;
    }
}
