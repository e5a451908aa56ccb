package org.postern.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

class CopyToQueueTest {
    final MemoryMailQueueFactory queues = new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory());

    private CopyToQueue init(String queue) throws Exception {
        return init(queue, HandOffToOutboundTest.NO_FILES);
    }

    private CopyToQueue init(String queue, org.apache.james.server.core.configuration.ConfigurationProvider files) throws Exception {
        CopyToQueue mailet = new CopyToQueue(queues, files);
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("CopyToQueue");
        if (queue != null) {
            config.setProperty("queue", queue);
        }
        mailet.init(config.build());
        return mailet;
    }

    @Test
    void aMailShouldGoOnUnchangedAndWaitInTheQueueUnderItsName() throws Exception {
        CopyToQueue mailet = init("archive");
        Mail mail = FakeMail.builder().name("m1").sender("s@example.test").recipient("a@dest.test").state("transport").build();

        mailet.service(mail);

        assertThat(mail.getState()).isEqualTo("transport");
        assertThat(mail.getRecipients()).hasSize(1);
        ManageableMailQueue queue = queues.getQueue(MailQueueName.of("archive")).orElseThrow();
        assertThat(queue.getSize()).isEqualTo(1);
        Mail copy = queue.browse().next().getMail();
        assertThat(copy.getName()).isEqualTo("m1");
        assertThat(copy.getRecipients()).map(Object::toString).containsExactly("a@dest.test");
    }

    @Test
    void initShouldRequireAQueue() {
        assertThatThrownBy(() -> init(null))
            .isInstanceOf(MailetException.class).hasMessage("CopyToQueue: 'queue' is required: the James queue an admin route reads");
    }

    @Test
    void initShouldRefuseABadQueueName() {
        assertThatThrownBy(() -> init("a b"))
            .isInstanceOf(MailetException.class).hasMessage("CopyToQueue: 'queue' = 'a b': must be a queue name (letters, digits, . _ -)");
    }

    @Test
    void initShouldRefuseTheSpoolAndTheDeliveryQueue() {
        assertThatThrownBy(() -> init("spool")).isInstanceOf(MailetException.class).hasMessageContaining("belongs to the spool or to delivery");
        assertThatThrownBy(() -> init("outbound")).isInstanceOf(MailetException.class).hasMessageContaining("belongs to the spool or to delivery");
        var relayed = HandOffToOutboundTest.deliveryXml("<delivery><queue>relayed</queue></delivery>");
        assertThatThrownBy(() -> init("relayed", relayed)).as("delivery.xml's queue")
            .isInstanceOf(MailetException.class).hasMessageContaining("belongs to the spool or to delivery");
    }

    @Test
    void initShouldRefuseAnUnknownParameter() {
        CopyToQueue mailet = new CopyToQueue(queues, HandOffToOutboundTest.NO_FILES);

        assertThatThrownBy(() -> mailet.init(FakeMailetConfig.builder().mailetName("CopyToQueue").setProperty("queu", "x").build()))
            .isInstanceOf(Exception.class);
    }
}
