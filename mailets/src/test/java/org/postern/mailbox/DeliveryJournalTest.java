package org.postern.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveryJournalTest {
    @TempDir
    Path dir;

    @Test
    void recoveredShouldBeEmptyOnAFreshJournal() throws Exception {
        try (DeliveryJournal journal = DeliveryJournal.open(dir.resolve("j.log"))) {
            assertThat(journal.recovered("Mail1", "a@b.test")).isNull();
        }
    }

    @Test
    void recoveredShouldTellStartedFromDoneAfterReopening() throws Exception {
        Path file = dir.resolve("j.log");
        try (DeliveryJournal journal = DeliveryJournal.open(file)) {
            journal.started("Mail1", "a@b.test");
            journal.done("Mail1", "a@b.test");
            journal.started("Mail2", "a@b.test");
        }

        try (DeliveryJournal reopened = DeliveryJournal.open(file)) {
            assertThat(reopened.recovered("Mail1", "a@b.test")).isEqualTo(DeliveryJournal.State.DONE);
            assertThat(reopened.recovered("Mail2", "a@b.test")).isEqualTo(DeliveryJournal.State.STARTED);
            assertThat(reopened.recovered("Mail2", "other@b.test")).isNull();
        }
    }

    @Test
    void eventsOfTheCurrentRunShouldNotCountAsRecovered() throws Exception {
        try (DeliveryJournal journal = DeliveryJournal.open(dir.resolve("j.log"))) {
            journal.started("Mail1", "a@b.test");
            journal.done("Mail1", "a@b.test");

            assertThat(journal.recovered("Mail1", "a@b.test")).isNull();
        }
    }

    @Test
    void openShouldKeepOnlyTheTailOfALongJournalAndIgnoreGarbage() throws Exception {
        Path file = dir.resolve("j.log");
        StringBuilder lines = new StringBuilder("garbage line\n");
        for (int i = 0; i < DeliveryJournal.TAIL_LINES + 10; i++) {
            lines.append("D Mail").append(i).append(" a@b.test\n");
        }
        Files.writeString(file, lines, StandardCharsets.UTF_8);

        try (DeliveryJournal journal = DeliveryJournal.open(file)) {
            assertThat(journal.recovered("Mail0", "a@b.test")).isNull();
            assertThat(journal.recovered("Mail" + (DeliveryJournal.TAIL_LINES + 9), "a@b.test")).isEqualTo(DeliveryJournal.State.DONE);
        }
        assertThat(Files.readAllLines(file)).hasSize(DeliveryJournal.TAIL_LINES);
    }
}
