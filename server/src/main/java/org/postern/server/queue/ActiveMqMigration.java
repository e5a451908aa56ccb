package org.postern.server.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.jms.ConnectionFactory;

import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.store.PersistenceAdapter;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.queue.activemq.ActiveMQCacheableMailQueue;
import org.apache.james.queue.activemq.EmbeddedActiveMQ;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.Guice;
import com.google.inject.Injector;

/**
 * The upgrade from the ActiveMQ queues of earlier versions ({@code store/activemq} in the data directory): at the
 * first start of this version, every mail left in any of them (spool, outbound, admin-route queues) is copied into
 * the {@link QueueStore}, due as it was, in one transaction that also records the migration; then the old folder
 * is renamed {@code store/activemq.migrated}. A crash before the commit leaves the old queues untouched (the next
 * start migrates again); a crash after it leaves only the rename to do.
 */
public final class ActiveMqMigration {
    private static final Logger LOGGER = LoggerFactory.getLogger(ActiveMqMigration.class);
    static final String MARKER = "activemq-migrated";
    static final String FOLDER = "store/activemq";

    private ActiveMqMigration() {
    }

    public static void run(Path data, QueueStore store, FileSystem fileSystem, MetricFactory metrics) throws SQLException, IOException {
        Path old = data.resolve(FOLDER);
        if (!Files.isDirectory(old)) {
            return;
        }
        if (store.meta(MARKER).isEmpty()) {
            migrate(store, fileSystem, metrics);
        }
        Path done = data.resolve(FOLDER + ".migrated");
        Files.move(old, done);
        LOGGER.info("queue upgrade: {} renamed {}", old, done);
    }

    private static void migrate(QueueStore store, FileSystem fileSystem, MetricFactory metrics) throws SQLException {
        KahaDBPersistenceAdapter kahaDb = new KahaDBPersistenceAdapter();
        Injector injector = Guice.createInjector(binder -> {
            binder.bind(FileSystem.class).toInstance(fileSystem);
            binder.bind(PersistenceAdapter.class).toInstance(kahaDb);
        });
        EmbeddedActiveMQ broker = injector.getInstance(EmbeddedActiveMQ.class);
        List<ActiveMQCacheableMailQueue> opened = new ArrayList<>();
        try {
            ConnectionFactory connections = broker.getConnectionFactory();
            List<QueueStore.Row> rows = new ArrayList<>();
            for (ActiveMQDestination destination : kahaDb.getDestinations()) {
                if (!destination.isQueue()) {
                    continue;
                }
                String name = destination.getPhysicalName();
                ActiveMQCacheableMailQueue queue = new ActiveMQCacheableMailQueue(connections,
                    new RawMailQueueItemDecoratorFactory(), MailQueueName.of(name), true, metrics, new NoopGaugeRegistry());
                opened.add(queue);
                int count = 0;
                ManageableMailQueue.MailQueueIterator views = queue.browse();
                try {
                    while (views.hasNext()) {
                        ManageableMailQueue.MailQueueItemView view = views.next();
                        Mail mail = view.getMail();
                        long due = view.getNextDelivery().map(next -> next.toInstant().toEpochMilli()).orElse(0L);
                        rows.add(new QueueStore.Row(store.nextId(), name, mail.getName(), due, false,
                            mail.getMaybeSender().asString(""),
                            String.join("\n", mail.getRecipients().stream().map(Object::toString).toList()),
                            MailCodec.envelope(mail), MailCodec.message(mail)));
                        count++;
                    }
                } finally {
                    views.close();
                }
                LOGGER.info("queue upgrade: {} mail(s) of ActiveMQ queue {} to copy", count, name);
            }
            store.importAll(rows.iterator(), MARKER, Instant.now().toString());
            LOGGER.info("queue upgrade: {} mail(s) copied from ActiveMQ into {}", rows.size(), store.file());
        } catch (javax.mail.MessagingException | RuntimeException e) {
            throw new SQLException("cannot copy the mail of the old ActiveMQ queues: " + e.getMessage(), e);
        } finally {
            opened.forEach(ActiveMQCacheableMailQueue::dispose);
            try {
                broker.stop();
            } catch (Exception e) {
                LOGGER.warn("queue upgrade: stopping the old ActiveMQ broker", e);
            }
        }
    }
}
