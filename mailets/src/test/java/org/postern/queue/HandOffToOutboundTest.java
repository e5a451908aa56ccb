package org.postern.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

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
import org.junit.jupiter.api.Test;

class HandOffToOutboundTest {
    final MemoryMailQueueFactory queues = new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory());
    final Clock clock = Clock.fixed(Instant.parse("2026-11-30T01:00:00Z"), ZoneOffset.UTC);

    @Test
    void aMailShouldEndHereAndWaitInTheQueueWithItsArrival() throws Exception {
        HandOffToOutbound mailet = new HandOffToOutbound(queues, clock);
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
        HandOffToOutbound mailet = new HandOffToOutbound(queues, clock);
        mailet.init(FakeMailetConfig.builder().mailetName("HandOffToOutbound").build());
        Mail mail = FakeMail.builder().name("m1").recipient("a@dest.test")
            .attribute(new Attribute(DeliveryAttributes.ARRIVAL, AttributeValue.of(42L))).build();

        mailet.service(mail);

        Mail queued = queues.getQueue(MailQueueName.of(HandOffToOutbound.DEFAULT_QUEUE)).orElseThrow().browse().next().getMail();
        assertThat(queued.getAttribute(DeliveryAttributes.ARRIVAL)).contains(new Attribute(DeliveryAttributes.ARRIVAL, AttributeValue.of(42L)));
    }

    @Test
    void initShouldRefuseABadQueueNameOrAnUnknownParameter() {
        HandOffToOutbound mailet = new HandOffToOutbound(queues, clock);

        assertThatThrownBy(() -> mailet.init(FakeMailetConfig.builder().mailetName("HandOffToOutbound").setProperty("queue", "a b").build()))
            .isInstanceOf(MailetException.class).hasMessage("HandOffToOutbound: 'queue' = 'a b': must be a queue name (letters, digits, . _ -)");
        assertThatThrownBy(() -> mailet.init(FakeMailetConfig.builder().mailetName("HandOffToOutbound").setProperty("queu", "x").build()))
            .isInstanceOf(Exception.class);
    }
}
