package org.postern.server.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.queue.QueuedMail;
import org.postern.routing.NextHop;
import org.postern.routing.RoutingAttributes;

/** Queue control and ETRN's flush on the outbound queue of a real store; every change checked after a reopen. */
class StoreQueueControlTest {
    static final MailQueueName OUTBOUND = MailQueueName.of("outbound");

    @TempDir
    Path folder;
    QueueStore store;
    StoreMailQueueFactory factory;
    StoreQueueControl control;

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
        control = new StoreQueueControl(factory, (component, logging) -> new BaseHierarchicalConfiguration(), null);
    }

    void queue(String name, String recipients, String nextHop, Duration delay) throws Exception {
        MailImpl mail = StoreMailQueueTest.mail(name, recipients.split(";"));
        mail.setAttribute(new Attribute(RoutingAttributes.NEXT_HOP, AttributeValue.of(nextHop)));
        factory.createQueue(OUTBOUND).enQueue(mail, delay);
    }

    void deferred(String name, String recipients) throws Exception {
        queue(name, recipients, "mx:" + recipients.substring(recipients.lastIndexOf('@') + 1), Duration.ofHours(1));
    }

    /** Mail name to "due now" for every queued mail, read from a reopened store. */
    Map<String, Boolean> dueNow() throws Exception {
        reopen();
        Instant soon = Instant.now().plusSeconds(60);
        return factory.createQueue(OUTBOUND).snapshot().stream()
            .collect(Collectors.toMap(StoreMailQueue.Snapshot::mailName, entry -> !entry.held() && entry.due().isBefore(soon)));
    }

    @Test
    void etrnShouldMakeDueOnlyTheDeferredMailOfTheDomainAndLoseOrDoubleNothing() throws Exception {
        deferred("m1", "a@partner.test;b@other.test");
        deferred("m2", "c@other.test");
        deferred("m3", "d@sub.partner.test");
        deferred("m4", "e@partner.test.evil");
        queue("m5", "f@partner.test", "mx:partner.test", Duration.ZERO); // already due: left alone
        deferred("m6", "g@xpartner.test");

        assertThat(control.flush(Optional.of("partner.test"), false)).isEqualTo(1);

        assertThat(dueNow()).containsOnly(Map.entry("m1", true), Map.entry("m2", false), Map.entry("m3", false),
            Map.entry("m4", false), Map.entry("m5", true), Map.entry("m6", false));
    }

    @Test
    void theSubdomainFormShouldFlushSubdomainsOnly() throws Exception {
        deferred("m1", "a@partner.test");
        deferred("m2", "b@mx.partner.test");
        deferred("m3", "c@deep.mx.partner.test;d@other.test");

        assertThat(control.flush(Optional.of("partner.test"), true)).isEqualTo(2);

        assertThat(dueNow()).containsOnly(Map.entry("m1", false), Map.entry("m2", true), Map.entry("m3", true));
    }

    @Test
    void aHeldMailShouldBeSkippedByFlushAndEtrnUntilReleased() throws Exception {
        deferred("m1", "a@partner.test");

        assertThat(control.hold("m1")).isTrue();
        assertThat(control.flush(Optional.empty())).isZero();
        assertThat(control.flush(Optional.of("partner.test"), false)).isZero();
        assertThat(dueNow()).containsOnly(Map.entry("m1", false));
        QueuedMail listed = control.list(Optional.empty(), Optional.empty(), 10).get(0);
        assertThat(listed.held()).isTrue();
        assertThat(listed.nextAttempt()).isEmpty();

        assertThat(control.release("m1")).isTrue();
        assertThat(dueNow()).containsOnly(Map.entry("m1", true));
        assertThat(control.hold("no-such-mail")).isFalse();
    }

    @Test
    void rerouteShouldChangeTheNextHopOfMailWhollyInTheDomainOnly() throws Exception {
        queue("m1", "a@partner.test", "smtp:[10.0.0.5]:25", Duration.ofHours(1));
        queue("m2", "b@partner.test;c@other.test", "smtp:[10.0.0.5]:25", Duration.ofHours(1));
        queue("m3", "d@other.test", "mx:other.test", Duration.ofHours(1));

        assertThat(control.reroute("partner.test", NextHop.parse("smtp:[10.0.0.9]:2525"))).isEqualTo(1);

        assertThat(dueNow()).containsOnly(Map.entry("m1", true), Map.entry("m2", false), Map.entry("m3", false));
        Map<String, String> hops = control.list(Optional.empty(), Optional.empty(), 10).stream()
            .collect(Collectors.toMap(QueuedMail::id, mail -> mail.nextHop().orElseThrow()));
        assertThat(hops).containsOnly(Map.entry("m1", "smtp:[10.0.0.9]:2525"), Map.entry("m2", "smtp:[10.0.0.5]:25"),
            Map.entry("m3", "mx:other.test"));

        assertThat(control.reroute("partner.test", new NextHop.Mx())).isEqualTo(1);
        assertThat(control.list(Optional.of("partner.test"), Optional.empty(), 10)).extracting(mail -> mail.nextHop().orElseThrow())
            .containsExactlyInAnyOrder("mx:partner.test", "smtp:[10.0.0.5]:25");
    }

    @Test
    void deleteShouldRemoveThatMailOnlyAndListShouldFilter() throws Exception {
        deferred("m1", "a@partner.test");
        deferred("m2", "b@partner.test");

        assertThat(control.delete("m1")).isTrue();
        assertThat(control.delete("m1")).isFalse();

        assertThat(dueNow()).containsOnlyKeys("m2");
        List<QueuedMail> listed = control.list(Optional.of("partner.test"), Optional.of("SENDER@example.test"), 10);
        assertThat(listed).extracting(QueuedMail::id).containsExactly("m2");
        assertThat(listed.get(0).nextHop()).contains("mx:partner.test");
        assertThat(control.list(Optional.of("other.test"), Optional.empty(), 10)).isEmpty();
        assertThat(control.list(Optional.empty(), Optional.of("someone@else.test"), 10)).isEmpty();
    }
}
