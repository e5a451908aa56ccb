package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.activemq.store.PersistenceAdapter;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.queue.activemq.ActiveMQCacheableMailQueue;
import org.apache.james.queue.activemq.EmbeddedActiveMQ;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.routing.RoutingAttributes;
import org.postern.testing.ScriptedSmtpPeer;

import com.google.inject.Guice;

/**
 * A data directory made by the version with ActiveMQ queues (store/activemq, blob messages, as James's ActiveMQ
 * queue writes them) opens in this version: the mail waiting in its spool is processed and delivered, the deferred
 * mail of its outbound queue stays queued, due as it was, and the old folder is renamed.
 */
class QueueUpgradeTest {
    @TempDir
    Path work;

    @Test
    void mailLeftInTheOldActiveMqQueuesShouldBeMovedIntoTheQueueStore() throws Exception {
        try (ScriptedSmtpPeer peer = ScriptedSmtpPeer.start("127.0.0.74", 0)) {
            Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
            Files.writeString(conf.resolve("transport.xml"), "<transport>"
                + "<route domain='upgrade.test' action='smtp:[127.0.0.74]:" + peer.port() + "'/></transport>");
            Path data = work.resolve("data");
            writeOldQueues(conf, data);

            try (InJvmPostern postern = InJvmPostern.start(conf, data)) {
                List<ScriptedSmtpPeer.Message> delivered = peer.awaitMessages(1, Duration.ofSeconds(30));
                assertThat(delivered.get(0).recipients()).containsExactly("waiting@upgrade.test");
                assertThat(delivered.get(0).text()).contains("Subject: left in the spool");

                WebAdminClient.Answer queue = WebAdminClient.get(postern.ports().webAdmin(), "/postern/queue");
                assertThat(queue.status()).isEqualTo(200);
                assertThat(queue.body()).contains("old-deferred").contains("later@upgrade.test");
                assertThat(data.resolve("store/activemq")).doesNotExist();
                assertThat(data.resolve("store/activemq.migrated")).isDirectory();
            }
        }
    }

    /** The old layout: James's embedded ActiveMQ with KahaDB under store/activemq, as PosternQueueModule made it. */
    private static void writeOldQueues(Path conf, Path data) throws Exception {
        FileSystem fileSystem = new FileSystemImpl(new PosternDirectories(conf, data));
        EmbeddedActiveMQ broker = Guice.createInjector(binder -> {
            binder.bind(FileSystem.class).toInstance(fileSystem);
            binder.bind(PersistenceAdapter.class).toInstance(new KahaDBPersistenceAdapter());
        }).getInstance(EmbeddedActiveMQ.class);
        try {
            ActiveMQCacheableMailQueue spool = queue(broker, "spool");
            spool.enQueue(mail("old-spooled", "waiting@upgrade.test", "Subject: left in the spool"));
            spool.dispose();
            ActiveMQCacheableMailQueue outbound = queue(broker, "outbound");
            MailImpl deferred = mail("old-deferred", "later@upgrade.test", "Subject: deferred before the upgrade");
            deferred.setAttribute(new Attribute(RoutingAttributes.NEXT_HOP, AttributeValue.of("mx:upgrade.test")));
            outbound.enQueue(deferred, Duration.ofHours(2));
            outbound.dispose();
        } finally {
            broker.stop();
        }
        assertThat(data.resolve("store/activemq")).isDirectory();
    }

    private static ActiveMQCacheableMailQueue queue(EmbeddedActiveMQ broker, String name) {
        return new ActiveMQCacheableMailQueue(broker.getConnectionFactory(), new RawMailQueueItemDecoratorFactory(),
            MailQueueName.of(name), true, new RecordingMetricFactory(), new NoopGaugeRegistry());
    }

    private static MailImpl mail(String name, String recipient, String subject) throws Exception {
        byte[] bytes = (subject + "\r\nFrom: old@sender.test\r\n\r\nwritten by the previous version\r\n").getBytes(StandardCharsets.US_ASCII);
        MailImpl mail = MailImpl.builder().name(name).sender("old@sender.test").addRecipient(recipient)
            .mimeMessage(new MimeMessageWrapper(MimeMessageInputStreamSource.create(name, new ByteArrayInputStream(bytes))))
            .build();
        mail.setRemoteAddr("127.0.0.1");
        mail.setRemoteHost("localhost");
        mail.setAttribute(new Attribute(org.apache.mailet.AttributeName.of("org.apache.james.SMTPIsAuthNetwork"), AttributeValue.of(true)));
        return mail;
    }
}
