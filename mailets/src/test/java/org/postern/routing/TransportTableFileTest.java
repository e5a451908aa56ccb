package org.postern.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.testing.MutableClock;

class TransportTableFileTest {
    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock();

    @Test
    void aChangedFileShouldBeReloadedWithoutRestart() throws Exception {
        Path file = write("<transport><route domain='a.test' action='local'/></transport>", 1);
        TransportTableFile table = TransportTableFile.load(file, clock);

        write("<transport><route domain='a.test' action='discard'/></transport>", 2);
        String beforeTheNextCheck = table.lookup("a.test").nextHop().asString();
        clock.advance(TransportTableFile.CHECK_EVERY.plusMillis(1));

        assertThat(beforeTheNextCheck).isEqualTo("local");
        assertThat(table.lookup("a.test").nextHop().asString()).isEqualTo("discard");
    }

    @Test
    void aBrokenChangeShouldKeepThePreviousTable() throws Exception {
        Path file = write("<transport><route domain='a.test' action='local'/></transport>", 1);
        TransportTableFile table = TransportTableFile.load(file, clock);

        write("<transport><route domain='a.test' action='smtp:['/></transport>", 2);
        clock.advance(TransportTableFile.CHECK_EVERY.plusMillis(1));

        assertThat(table.lookup("a.test").nextHop().asString()).isEqualTo("local");
    }

    @Test
    void aMissingFileShouldMeanNoOverrides() throws Exception {
        TransportTableFile table = TransportTableFile.load(dir.resolve("absent.xml"), clock);

        assertThat(table.lookup("a.test")).isEqualTo(TransportTable.Entry.DEFAULT);
    }

    @Test
    void aBrokenFileAtStartShouldFail() throws Exception {
        Path file = write("<transport><route domain='a.test'/></transport>", 1);

        assertThatThrownBy(() -> TransportTableFile.load(file, clock)).hasMessageContaining(file + ":1:");
    }

    private Path write(String xml, int generation) throws Exception {
        Path file = dir.resolve("transport.xml");
        Files.writeString(file, xml);
        // distinct modification times even on coarse file systems
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(generation)));
        return file;
    }
}
