package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import javax.jms.Message;

import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.james.queue.jms.JMSCacheableMailQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postern.queue.DeferredMailFlush;

/** The per-domain flush on a real (in-JVM) ActiveMQ broker, with messages laid out as James's JMS queue writes them. */
class ActiveMqDeferredMailFlushTest {
    OutboundQueueBroker broker;
    ActiveMQConnectionFactory factory;

    @BeforeEach
    void start() throws Exception {
        broker = OutboundQueueBroker.start("flush-test");
        factory = broker.factory();
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    @Test
    void onlyDeferredMessagesForTheDomainShouldBeMadeDueAndNoneLostOrDoubled() throws Exception {
        long later = System.currentTimeMillis() + 3_600_000;
        send("m1", "a@partner.test;b@other.test", later);
        send("m2", "c@other.test", later);
        send("m3", "d@sub.partner.test", later);
        send("m4", "e@partner.test.evil", later);
        send("m5", "f@partner.test", System.currentTimeMillis() - 1_000); // already due: left alone
        send("m6", "g@xpartner.test", later);

        int flushed = new ActiveMqDeferredMailFlush(factory).flush("partner.test", false);

        Map<String, Boolean> forced = browse();
        assertThat(flushed).isEqualTo(1);
        assertThat(forced).containsOnlyKeys("m1", "m2", "m3", "m4", "m5", "m6");
        assertThat(forced).containsEntry("m1", true).containsEntry("m2", false).containsEntry("m3", false)
            .containsEntry("m4", false).containsEntry("m5", false).containsEntry("m6", false);
    }

    @Test
    void theSubdomainFormShouldFlushSubdomainsOnly() throws Exception {
        long later = System.currentTimeMillis() + 3_600_000;
        send("m1", "a@partner.test", later);
        send("m2", "b@mx.partner.test", later);
        send("m3", "c@deep.mx.partner.test;d@other.test", later);

        int flushed = new ActiveMqDeferredMailFlush(factory).flush("partner.test", true);

        assertThat(flushed).isEqualTo(2);
        assertThat(browse()).containsEntry("m1", false).containsEntry("m2", true).containsEntry("m3", true).hasSize(3);
    }

    @Test
    void anUnreachableBrokerShouldBeAFlushException() {
        ActiveMQConnectionFactory nowhere = new ActiveMQConnectionFactory("vm://no-such-broker?create=false&waitForStart=100");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ActiveMqDeferredMailFlush(nowhere).flush("partner.test", false))
            .isInstanceOf(DeferredMailFlush.FlushException.class);
    }

    private void send(String name, String recipients, long nextDelivery) throws Exception {
        broker.send(name, recipients, nextDelivery, message -> { });
    }

    /** Mail name to "forced now", for every message in the queue. */
    private Map<String, Boolean> browse() throws Exception {
        Map<String, Boolean> forced = new HashMap<>();
        for (Map.Entry<String, Message> entry : broker.browse().entrySet()) {
            Message message = entry.getValue();
            forced.put(entry.getKey(), message.propertyExists(JMSCacheableMailQueue.FORCE_DELIVERY)
                && message.getBooleanProperty(JMSCacheableMailQueue.FORCE_DELIVERY));
        }
        return forced;
    }
}
