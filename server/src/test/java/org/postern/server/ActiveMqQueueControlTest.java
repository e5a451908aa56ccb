package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.jms.Message;

import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.james.queue.jms.JMSCacheableMailQueue;
import org.apache.james.queue.jms.JMSSupport;
import org.apache.mailet.AttributeValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postern.queue.QueuedMail;
import org.postern.routing.RoutingAttributes;

/** Queue control on a real (in-JVM) ActiveMQ broker, with messages laid out as James's JMS queue writes them. */
class ActiveMqQueueControlTest {
    static final String NEXT_HOP = RoutingAttributes.NEXT_HOP.asString();

    OutboundQueueBroker broker;
    ActiveMQConnectionFactory factory;
    ActiveMqQueueControl control;
    long later;

    @BeforeEach
    void start() throws Exception {
        broker = OutboundQueueBroker.start("control-test");
        factory = broker.factory();
        control = new ActiveMqQueueControl(factory, null);
        later = System.currentTimeMillis() + 3_600_000;
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    @Test
    void aHeldMailShouldBeSkippedByFlushAndEtrnUntilReleased() throws Exception {
        send("m1", "a@partner.test", "smtp:[10.0.0.5]:25");

        assertThat(control.hold("m1")).isTrue();
        assertThat(browse().get("m1").getBooleanProperty(ActiveMqQueueControl.HELD)).isTrue();
        assertThat(control.flush(Optional.empty())).isZero();
        assertThat(control.flush(Optional.of("partner.test"))).isZero();
        assertThat(new ActiveMqDeferredMailFlush(factory).flush("partner.test", false)).isZero();
        assertThat(forced(browse().get("m1"))).isFalse();
        QueuedMail listed = control.list(Optional.empty(), Optional.empty(), 10).get(0);
        assertThat(listed.held()).isTrue();
        assertThat(listed.nextAttempt()).isEmpty();

        assertThat(control.release("m1")).isTrue();
        Message released = browse().get("m1");
        assertThat(released.propertyExists(ActiveMqQueueControl.HELD)).isFalse();
        assertThat(forced(released)).isTrue();
        assertThat(control.hold("no-such-mail")).isFalse();
    }

    @Test
    void rerouteShouldChangeTheNextHopOfMailWhollyInTheDomainOnly() throws Exception {
        send("m1", "a@partner.test", "smtp:[10.0.0.5]:25");
        send("m2", "b@partner.test;c@other.test", "smtp:[10.0.0.5]:25");
        send("m3", "d@other.test", "mx:other.test");

        assertThat(control.reroute("partner.test", "smtp:[10.0.0.9]:2525")).isEqualTo(1);

        Map<String, Message> queue = browse();
        assertThat(queue).containsOnlyKeys("m1", "m2", "m3");
        assertThat(nextHop(queue.get("m1"))).isEqualTo("smtp:[10.0.0.9]:2525");
        assertThat(forced(queue.get("m1"))).isTrue();
        assertThat(queue.get("m1").getStringProperty(JMSSupport.JAMES_MAIL_ATTRIBUTE_NAMES))
            .contains(NEXT_HOP).contains(RoutingAttributes.ROUTE.asString());
        assertThat(nextHop(queue.get("m2"))).isEqualTo("smtp:[10.0.0.5]:25");
        assertThat(forced(queue.get("m2"))).isFalse();
        assertThat(nextHop(queue.get("m3"))).isEqualTo("mx:other.test");

        assertThat(control.reroute("partner.test", "mx")).isEqualTo(1);
        assertThat(nextHop(browse().get("m1"))).isEqualTo("mx:partner.test");
    }

    @Test
    void deleteShouldRemoveThatMailOnlyAndListShouldFilter() throws Exception {
        send("m1", "a@partner.test", "smtp:[10.0.0.5]:25");
        send("m2", "b@partner.test", "smtp:[10.0.0.5]:25");

        assertThat(control.delete("m1")).isTrue();
        assertThat(control.delete("m1")).isFalse();

        assertThat(browse()).containsOnlyKeys("m2");
        List<QueuedMail> listed = control.list(Optional.of("partner.test"), Optional.of("SENDER@example.test"), 10);
        assertThat(listed).extracting(QueuedMail::id).containsExactly("m2");
        assertThat(listed.get(0).nextHop()).contains("smtp:[10.0.0.5]:25");
        assertThat(control.list(Optional.of("other.test"), Optional.empty(), 10)).isEmpty();
        assertThat(control.list(Optional.empty(), Optional.of("someone@else.test"), 10)).isEmpty();
    }

    private void send(String name, String recipients, String nextHop) throws Exception {
        broker.send(name, recipients, later, message -> {
            message.setStringProperty(JMSSupport.JAMES_MAIL_SENDER, "sender@example.test");
            message.setStringProperty(NEXT_HOP, AttributeValue.of(nextHop).toJson().orElseThrow().toString());
            message.setStringProperty(JMSSupport.JAMES_MAIL_ATTRIBUTE_NAMES, NEXT_HOP);
        });
    }

    private static boolean forced(Message message) throws Exception {
        return message.propertyExists(JMSCacheableMailQueue.FORCE_DELIVERY) && message.getBooleanProperty(JMSCacheableMailQueue.FORCE_DELIVERY);
    }

    private static String nextHop(Message message) throws Exception {
        return AttributeValue.fromJsonString(message.getStringProperty(NEXT_HOP)).valueAs(String.class).orElseThrow();
    }

    private Map<String, Message> browse() throws Exception {
        return broker.browse();
    }
}
