package org.postern.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.core.MailAddress;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import reactor.core.publisher.Mono;

class JournaledMailStoreTest {
    @TempDir
    Path dir;

    final List<String> stored = new ArrayList<>();

    @Test
    void storeShouldDeliverAndJournalANewMail() throws Exception {
        Path file = dir.resolve("j.log");
        try (DeliveryJournal journal = DeliveryJournal.open(file)) {
            store(journal, noCopyInMailbox(), "Mail1", "a@b.test");
        }

        assertThat(stored).containsExactly("Mail1 a@b.test");
        try (DeliveryJournal reopened = DeliveryJournal.open(file)) {
            assertThat(reopened.recovered("Mail1", "a@b.test")).isEqualTo(DeliveryJournal.State.DONE);
        }
    }

    @Test
    void storeShouldSkipAMailThatThePreviousRunFinished() throws Exception {
        Path file = dir.resolve("j.log");
        try (DeliveryJournal journal = DeliveryJournal.open(file)) {
            journal.started("Mail1", "a@b.test");
            journal.done("Mail1", "a@b.test");
        }

        try (DeliveryJournal journal = DeliveryJournal.open(file)) {
            store(journal, noCopyInMailbox(), "Mail1", "a@b.test");
        }

        assertThat(stored).isEmpty();
    }

    @Test
    void storeShouldLookInTheMailboxWhenThePreviousRunDiedMidway() throws Exception {
        Path file = dir.resolve("j.log");
        try (DeliveryJournal journal = DeliveryJournal.open(file)) {
            journal.started("Mail1", "a@b.test");
            journal.started("Mail2", "a@b.test");
        }

        try (DeliveryJournal journal = DeliveryJournal.open(file)) {
            StoredCopyFinder finder = copyInMailboxFor("Mail1");
            store(journal, finder, "Mail1", "a@b.test");
            store(journal, finder, "Mail2", "a@b.test");
        }

        assertThat(stored).containsExactly("Mail2 a@b.test");
    }

    private void store(DeliveryJournal journal, StoredCopyFinder finder, String name, String recipient) throws Exception {
        JournaledMailStore store = new JournaledMailStore(
            (to, mail) -> Mono.fromRunnable(() -> stored.add(mail.getName() + " " + to.asString())),
            journal, finder);
        Mail mail = FakeMail.builder().name(name).recipient(recipient)
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setText("hello"))
            .build();
        Mono.from(store.storeMail(new MailAddress(recipient), mail)).block();
    }

    private static StoredCopyFinder noCopyInMailbox() {
        return copyInMailboxFor("none");
    }

    private static StoredCopyFinder copyInMailboxFor(String queueId) {
        return new StoredCopyFinder(null, null) {
            @Override
            boolean exists(MailAddress recipient, String id) {
                return id.equals(queueId);
            }
        };
    }
}
