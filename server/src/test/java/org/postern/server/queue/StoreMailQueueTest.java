package org.postern.server.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.james.core.MailAddress;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import reactor.core.publisher.Flux;

/** The queue on a real SQLite store in a temporary folder: what goes in comes out, once, and survives a reopen. */
class StoreMailQueueTest {
    static final MailQueueName SPOOL = MailQueueName.of("spool");

    @TempDir
    Path folder;
    QueueStore store;
    StoreMailQueueFactory factory;

    @BeforeEach
    void open() throws Exception {
        reopen();
    }

    @AfterEach
    void close() {
        store.close();
    }

    void reopen() throws Exception {
        if (store != null) {
            store.close();
        }
        store = QueueStore.open(folder.resolve("queue.db"));
        factory = new StoreMailQueueFactory(store, new RawMailQueueItemDecoratorFactory(), new NoopGaugeRegistry());
    }

    static MailImpl mail(String name, String... recipients) throws Exception {
        byte[] bytes = ("Subject: " + name + "\r\nX-Odd:  kept   as is \r\n\r\nbody of " + name + "\r\n.\r\n").getBytes();
        MailImpl mail = MailImpl.builder().name(name).sender("sender@example.test").addRecipients(recipients)
            .mimeMessage(new MimeMessageWrapper(MimeMessageInputStreamSource.create(name, new java.io.ByteArrayInputStream(bytes))))
            .build();
        mail.setAttribute(new Attribute(AttributeName.of("org.postern.test.count"), AttributeValue.of(7)));
        mail.setRemoteAddr("127.0.0.9");
        mail.setRemoteHost("client.test");
        mail.setState("transport");
        mail.addSpecificHeaderForRecipient(PerRecipientHeaders.Header.builder().name("Delivered-To").value("a@x.test").build(),
            new MailAddress("a@x.test"));
        return mail;
    }

    static String text(Mail mail) throws Exception {
        return new String(MailCodec.message(mail));
    }

    @Test
    void aQueuedMailShouldComeOutWholeAndOnceAndStayQueuedUntilDone() throws Exception {
        StoreMailQueue queue = factory.createQueue(SPOOL);
        queue.enQueue(mail("m1", "a@x.test", "b@y.test"));

        MailQueue.MailQueueItem item = Flux.from(queue.deQueue()).blockFirst(Duration.ofSeconds(5));

        assertIsM1(item.getMail());
        assertThat(queue.getSize()).isEqualTo(1);

        reopen();
        StoreMailQueue again = factory.createQueue(SPOOL);
        assertThat(again.getSize()).as("not done: still queued after a restart").isEqualTo(1);
        MailQueue.MailQueueItem replayed = Flux.from(again.deQueue()).blockFirst(Duration.ofSeconds(5));
        assertIsM1(replayed.getMail());
        replayed.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);

        reopen();
        assertThat(factory.createQueue(SPOOL).getSize()).isZero();
    }

    /** The same whether the mail came from memory (just queued) or from the store (after a restart). */
    private static void assertIsM1(Mail mail) throws Exception {
        assertThat(mail.getName()).isEqualTo("m1");
        assertThat(mail.getMaybeSender().asString()).isEqualTo("sender@example.test");
        assertThat(mail.getRecipients()).extracting(MailAddress::asString).containsExactly("a@x.test", "b@y.test");
        assertThat(mail.getState()).isEqualTo("transport");
        assertThat(mail.getRemoteAddr()).isEqualTo("127.0.0.9");
        assertThat(mail.getAttribute(AttributeName.of("org.postern.test.count")).map(a -> (Object) a.getValue().value())).contains(7);
        assertThat(mail.getPerRecipientSpecificHeaders().getHeadersForRecipient(new MailAddress("a@x.test")))
            .extracting(PerRecipientHeaders.Header::getValue).containsExactly("a@x.test");
        assertThat(text(mail)).isEqualTo("Subject: m1\r\nX-Odd:  kept   as is \r\n\r\nbody of m1\r\n.\r\n");
    }

    @Test
    void aDelayedMailShouldWaitAndARetriedOneComeBack() throws Exception {
        StoreMailQueue queue = factory.createQueue(SPOOL);
        queue.enQueue(mail("later", "a@x.test"), Duration.ofMillis(1500));
        queue.enQueue(mail("now", "a@x.test"));
        List<String> order = new ArrayList<>();

        Flux.from(queue.deQueue()).take(3).doOnNext(item -> {
            order.add(item.getMail().getName());
            try {
                item.done(order.size() == 1 ? MailQueue.MailQueueItem.CompletionStatus.RETRY : MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
            } catch (MailQueue.MailQueueException e) {
                throw new IllegalStateException(e);
            }
        }).blockLast(Duration.ofSeconds(10));

        assertThat(order).containsExactly("now", "now", "later");
        assertThat(queue.getSize()).isZero();
    }

    @Test
    void concurrentEnqueuesShouldAllBeStoredAndEachTakenOnce() throws Exception {
        StoreMailQueue queue = factory.createQueue(SPOOL);
        ExecutorService sessions = Executors.newFixedThreadPool(20);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String name = "c" + i;
            done.add(sessions.submit(() -> {
                queue.enQueue(mail(name, "a@x.test"));
                return null;
            }));
        }
        for (Future<?> future : done) {
            future.get();
        }
        sessions.shutdown();
        Map<String, Integer> seen = new ConcurrentHashMap<>();

        Flux.from(queue.deQueue()).take(400)
            .flatMap(item -> reactor.core.publisher.Mono.fromCallable(() -> {
                seen.merge(item.getMail().getName(), 1, Integer::sum);
                item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
                return true;
            }).subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()), 20)
            .blockLast(Duration.ofSeconds(30));

        assertThat(seen).hasSize(400).allSatisfy((name, count) -> assertThat(count).isEqualTo(1));
        reopen();
        assertThat(factory.createQueue(SPOOL).getSize()).isZero();
    }

    @Test
    void browseRemoveAndClearShouldSeeQueuedMail() throws Exception {
        StoreMailQueue queue = factory.createQueue(SPOOL);
        queue.enQueue(mail("m1", "a@x.test"), Duration.ofHours(1));
        queue.enQueue(mail("m2", "b@x.test"), Duration.ofHours(1));
        queue.enQueue(mail("m3", "b@x.test"), Duration.ofHours(1));

        List<String> browsed = new ArrayList<>();
        ManageableMailQueue.MailQueueIterator views = queue.browse();
        views.forEachRemaining(view -> browsed.add(view.getMail().getName()));
        assertThat(browsed).containsExactly("m1", "m2", "m3");

        assertThat(queue.remove(ManageableMailQueue.Type.Recipient, "b@x.test")).isEqualTo(2);
        assertThat(queue.flush()).isEqualTo(1);
        assertThat(queue.clear()).isEqualTo(1);
        reopen();
        assertThat(factory.createQueue(SPOOL).getSize()).isZero();
    }
}
