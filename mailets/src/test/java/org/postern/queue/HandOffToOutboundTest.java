package org.postern.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.io.FileHandler;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.junit.jupiter.api.Test;

class HandOffToOutboundTest {
    final MemoryMailQueueFactory queues = new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory());
    final Clock clock = Clock.fixed(Instant.parse("2026-11-30T01:00:00Z"), ZoneOffset.UTC);
    /** No delivery.xml: James gives an empty configuration. */
    static final ConfigurationProvider NO_FILES = (component, level) -> new XMLConfiguration();

    static ConfigurationProvider deliveryXml(String xml) {
        return (component, level) -> {
            XMLConfiguration configuration = new XMLConfiguration();
            if (component.equals("delivery")) {
                new FileHandler(configuration).load(new StringReader(xml));
            }
            return configuration;
        };
    }

    @Test
    void aMailShouldEndHereAndWaitInTheQueueWithItsArrival() throws Exception {
        HandOffToOutbound mailet = new HandOffToOutbound(queues, new DirectDelivery(), NO_FILES, clock);
        mailet.init(FakeMailetConfig.builder().mailetName("HandOffToOutbound").setProperty("queue", "out").build());
        Mail mail = FakeMail.builder().name("m1").recipient("a@dest.test").build();

        mailet.service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        ManageableMailQueue queue = queues.getQueue(MailQueueName.of("out")).orElseThrow();
        assertThat(queue.getSize()).isEqualTo(1);
        Mail queued = queue.browse().next().getMail();
        assertThat(queued.getAttribute(DeliveryAttributes.ARRIVAL)).contains(
            new Attribute(DeliveryAttributes.ARRIVAL, AttributeValue.of(clock.millis())));
    }

    @Test
    void aRequeuedMailShouldKeepItsFirstArrival() throws Exception {
        HandOffToOutbound mailet = new HandOffToOutbound(queues, new DirectDelivery(), NO_FILES, clock);
        mailet.init(FakeMailetConfig.builder().mailetName("HandOffToOutbound").build());
        Mail mail = FakeMail.builder().name("m1").recipient("a@dest.test")
            .attribute(new Attribute(DeliveryAttributes.ARRIVAL, AttributeValue.of(42L))).build();

        mailet.service(mail);

        Mail queued = queues.getQueue(MailQueueName.of(OutboundQueue.DEFAULT_NAME)).orElseThrow().browse().next().getMail();
        assertThat(queued.getAttribute(DeliveryAttributes.ARRIVAL)).contains(new Attribute(DeliveryAttributes.ARRIVAL, AttributeValue.of(42L)));
    }

    @Test
    void withoutAQueueOfItsOwnTheMailShouldGoToTheQueueDeliveryXmlNames() throws Exception {
        HandOffToOutbound mailet = new HandOffToOutbound(queues, new DirectDelivery(), deliveryXml("<delivery><queue>relayed</queue></delivery>"), clock);
        mailet.init(FakeMailetConfig.builder().mailetName("HandOffToOutbound").build());

        mailet.service(FakeMail.builder().name("m1").recipient("a@dest.test").build());

        assertThat(queues.getQueue(MailQueueName.of("relayed")).orElseThrow().getSize()).isEqualTo(1);
        assertThat(queues.getQueue(MailQueueName.of(OutboundQueue.DEFAULT_NAME))).isEmpty();
    }

    @Test
    void initShouldRefuseABadQueueNameInDeliveryXml() {
        HandOffToOutbound mailet = new HandOffToOutbound(queues, new DirectDelivery(), deliveryXml("<delivery><queue>a b</queue></delivery>"), clock);

        assertThatThrownBy(() -> mailet.init(FakeMailetConfig.builder().mailetName("HandOffToOutbound").build()))
            .isInstanceOf(MailetException.class)
            .hasMessage("HandOffToOutbound: delivery.xml: <queue> = 'a b': must be a queue name (letters, digits, . _ -)");
    }

    @Test
    void aMailTheRoutesTookCareOfShouldNotBeQueuedAndOneTheyDeclinedShould() throws Exception {
        DirectDelivery direct = new DirectDelivery();
        java.util.List<String> attempted = new java.util.ArrayList<>();
        direct.open(mail -> {
            attempted.add(mail.getName());
            return mail.getName().equals("deliverable");
        });
        HandOffToOutbound mailet = new HandOffToOutbound(queues, direct, NO_FILES, clock);
        mailet.init(FakeMailetConfig.builder().mailetName("HandOffToOutbound").build());
        Mail deliverable = FakeMail.builder().name("deliverable").recipient("a@dest.test").build();
        Mail declined = FakeMail.builder().name("declined").recipient("a@busy.test").build();

        mailet.service(deliverable);
        mailet.service(declined);

        assertThat(attempted).containsExactly("deliverable", "declined");
        assertThat(deliverable.getState()).isEqualTo(Mail.GHOST);
        assertThat(deliverable.getAttribute(DeliveryAttributes.ARRIVAL)).as("the routes read it").isPresent();
        ManageableMailQueue queue = queues.getQueue(MailQueueName.of(OutboundQueue.DEFAULT_NAME)).orElseThrow();
        assertThat(queue.getSize()).isEqualTo(1);
        assertThat(queue.browse().next().getMail().getName()).isEqualTo("declined");
    }

    @Test
    void aFailingRouteOrNoFreeAttemptShouldLeaveTheMailToTheQueue() throws Exception {
        DirectDelivery direct = new DirectDelivery();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        direct.open(mail -> {
            calls.incrementAndGet();
            throw new IllegalStateException("broken route");
        });
        HandOffToOutbound failing = new HandOffToOutbound(queues, direct, NO_FILES, clock);
        failing.init(FakeMailetConfig.builder().mailetName("HandOffToOutbound").setProperty("queue", "a").build());
        HandOffToOutbound off = new HandOffToOutbound(queues, direct, NO_FILES, clock);
        off.init(FakeMailetConfig.builder().mailetName("HandOffToOutbound").setProperty("queue", "b")
            .setProperty("directAttempts", "0").build());

        failing.service(FakeMail.builder().name("m1").recipient("a@dest.test").build());
        off.service(FakeMail.builder().name("m2").recipient("a@dest.test").build());

        assertThat(calls).hasValue(1);
        assertThat(queues.getQueue(MailQueueName.of("a")).orElseThrow().getSize()).isEqualTo(1);
        assertThat(queues.getQueue(MailQueueName.of("b")).orElseThrow().getSize()).isEqualTo(1);
    }

    @Test
    void initShouldRefuseABadQueueNameOrAnUnknownParameter() {
        HandOffToOutbound mailet = new HandOffToOutbound(queues, new DirectDelivery(), NO_FILES, clock);

        assertThatThrownBy(() -> mailet.init(FakeMailetConfig.builder().mailetName("HandOffToOutbound").setProperty("queue", "a b").build()))
            .isInstanceOf(MailetException.class).hasMessage("HandOffToOutbound: 'queue' = 'a b': must be a queue name (letters, digits, . _ -)");
        assertThatThrownBy(() -> mailet.init(FakeMailetConfig.builder().mailetName("HandOffToOutbound").setProperty("directAttempts", "-1").build()))
            .isInstanceOf(MailetException.class).hasMessage("HandOffToOutbound: 'directAttempts' = '-1': must be a whole number, 0 or more");
        assertThatThrownBy(() -> mailet.init(FakeMailetConfig.builder().mailetName("HandOffToOutbound").setProperty("queu", "x").build()))
            .isInstanceOf(Exception.class);
    }
}
