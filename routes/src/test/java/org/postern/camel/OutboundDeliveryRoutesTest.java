package org.postern.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.delivery.ConnectionCache;
import org.postern.delivery.DeliverySettings;
import org.postern.delivery.DsnBuilder;
import org.postern.delivery.NextHopTargets;
import org.postern.delivery.RetrySchedule;
import org.postern.delivery.SmtpDelivery;
import org.postern.delivery.LedgerRecorder;
import org.postern.delivery.TlsSettings;
import org.postern.delivery.tls.TransportSecurity;
import org.postern.smtp.client.TlsLevel;
import org.postern.smtp.client.TrustStores;
import org.postern.testing.ConfFolder;
import org.postern.routing.RoutingAttributes;
import org.postern.routing.RoutingServices;
import org.postern.testing.ScriptedSmtpPeer;

/**
 * The route on James's memory mail queue with a scripted SMTP peer: what is delivered, bounced into the spool and
 * re-queued, and the durable re-queue after an unexpected error.
 */
class OutboundDeliveryRoutesTest {
    static final RetrySchedule FAST = new RetrySchedule(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofHours(1));

    final MemoryMailQueueFactory queues = new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory());
    final MailQueue outbound = queues.createQueue(MailQueueName.of("outbound"));
    final MailQueue spool = queues.createQueue(MailQueueFactory.SPOOL);
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path conf;
    ScriptedSmtpPeer peer;
    ConnectionCache cache;
    DefaultCamelContext camel;

    @AfterEach
    void tearDown() {
        camel.stop();
        cache.close();
        peer.close();
    }

    private void start(java.util.function.UnaryOperator<DeliverProcessor> decorate) throws Exception {
        DeliverySettings d = DeliverySettings.defaults();
        DeliverySettings settings = new DeliverySettings("outbound", 2, "postern.test", FAST, d.timeouts(), d.connectionCache(),
            4, TlsSettings.of(TlsLevel.NONE, Map.of()), 50);
        cache = new ConnectionCache(settings.connectionCache());
        BaseHierarchicalConfiguration dnsservice = new BaseHierarchicalConfiguration();
        dnsservice.addProperty("servers.server", "127.0.0.1");
        dnsservice.addProperty("autodiscover", false);
        RoutingServices routing = new RoutingServices((component, level) -> dnsservice, new ConfFolder(conf));
        camel = new DefaultCamelContext();
        camel.addComponent(JamesQueueComponent.SCHEME, new JamesQueueComponent(queues));
        camel.addRoutes(new OutboundDeliveryRoutes("outbound", 2,
            decorate.apply(new DeliverProcessor(new SmtpDelivery(settings, cache, LedgerRecorder.NONE,
                TransportSecurity.levelsOnly(settings.tls(), TrustStores.jvmDefault())), new NextHopTargets(routing), 50)),
            new ScheduleProcessor(FAST, Clock.systemUTC()),
            new CountOutcomesProcessor(new org.postern.delivery.DeliveryMetrics(new org.postern.metrics.PosternMetrics())),
            new BounceProcessor(spool, new DsnBuilder("postern.test"), Clock.systemUTC()),
            RequeueProcessor.deferred(outbound, FAST), RequeueProcessor.afterError(outbound, FAST)));
        camel.start();
    }

    private void enqueue(String... recipients) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream("Subject: routed\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII)));
        outbound.enQueue(MailImpl.builder().name("Mail1").sender("s@example.test").addRecipients(recipients)
            .mimeMessage(message)
            .addAttribute(new Attribute(RoutingAttributes.NEXT_HOP, AttributeValue.of("smtp:[" + peer.host() + "]:" + peer.port())))
            .build());
    }

    @Test
    void eachRecipientShouldBeDeliveredBouncedOrRequeuedAndOnlyThePendingOnesRetried() throws Exception {
        peer = ScriptedSmtpPeer.start("127.0.27.1", 0).on("RCPT", "bad@", "550 5.1.1 unknown").on("RCPT", "soft@", "450 4.2.1 busy");
        start(deliver -> deliver);

        enqueue("ok@dest.test", "bad@dest.test", "soft@dest.test");

        await().atMost(Duration.ofSeconds(20)).until(() -> peer.commands().stream().filter(c -> c.endsWith("RCPT TO:<soft@dest.test>")).count() >= 3);
        assertThat(peer.messages()).singleElement().satisfies(message -> assertThat(message.recipients()).containsExactly("ok@dest.test"));
        assertThat(peer.commands()).filteredOn(c -> c.endsWith("RCPT TO:<ok@dest.test>") || c.endsWith("RCPT TO:<bad@dest.test>")).hasSize(2);
        List<Mail> bounces = new CopyOnWriteArrayList<>();
        reactor.core.publisher.Flux.from(spool.deQueue()).take(1).timeout(Duration.ofSeconds(5))
            .doOnNext(item -> bounces.add(item.getMail())).blockLast();
        assertThat(bounces).singleElement().satisfies(bounce -> {
            assertThat(bounce.getMaybeSender().isNullSender()).isTrue();
            assertThat(bounce.getRecipients()).extracting(Object::toString).containsExactly("s@example.test");
            assertThat(new String(bounce.getMessage().getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).contains("bad@dest.test");
        });
    }

    @Test
    void anUnexpectedErrorShouldPutTheMailBackIntoTheQueueWithItsAttemptCounted() throws Exception {
        peer = ScriptedSmtpPeer.start("127.0.27.2", 0);
        AtomicInteger calls = new AtomicInteger();
        List<Integer> attemptsSeen = new CopyOnWriteArrayList<>();
        start(deliver -> new DeliverProcessor(null, null, 50) {
            @Override
            public void process(Exchange exchange) throws Exception {
                attemptsSeen.add(exchange.getIn().getHeader(DeliveryHeaders.ATTEMPTS, Integer.class));
                if (calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("a bug");
                }
                deliver.process(exchange);
            }
        });

        enqueue("a@dest.test");

        peer.awaitMessages(1, Duration.ofSeconds(20));
        assertThat(attemptsSeen).containsExactly(0, 1);
    }
}
