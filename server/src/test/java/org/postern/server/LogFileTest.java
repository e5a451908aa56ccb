package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped logback.xml in the production form: dated ISO 8601 times, and the switch to a rotating file for
 * bare-metal installs ({@code POSTERN_LOG=file}, {@code POSTERN_LOG_DIR}); a wrong switch stops start-up.
 */
class LogFileTest {
    static final String ISO_TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) .*";

    @TempDir
    Path work;

    @Test
    void posternLogFileShouldSendTheLogsDatedToTheRotatingFileInsteadOfTheConsole() throws Exception {
        Ports ports = Ports.free();
        Path conf = ChildPostern.loopbackConf(work.resolve("conf"), ports);
        Path logs = work.resolve("logs");
        try (ChildPostern postern = ChildPostern.start(conf, work.resolve("data"), ports,
                Map.of("POSTERN_LOG", "file", "POSTERN_LOG_DIR", logs.toString()))) {
            postern.addUser("demo@example.test", "pw");
            String queueId;
            try (SmtpClient smtp = new SmtpClient(Ports.HOST, ports.smtp())) {
                smtp.ehlo();
                queueId = ChildPostern.queueIds(smtp.sendMail("someone@sender.test", List.of("demo@example.test"),
                    "Subject: logged\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII))).get(0);
            }

            Path file = logs.resolve("postern.log");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(file)
                && Files.readString(file).contains(queueId + ": from=<someone@sender.test>"));
            List<String> lines = Files.readAllLines(file);
            assertThat(lines).filteredOn(line -> line.contains(queueId + ": client="))
                .singleElement().satisfies(line -> assertThat(line).matches(ISO_TIME));
            assertThat(lines.get(0)).matches(ISO_TIME);
        }
        assertThat(Files.readString(childLog())).doesNotContain(": client=");
    }

    @Test
    void theConsoleShouldShowDatedIsoTimesByDefault() throws Exception {
        Ports ports = Ports.free();
        Path conf = ChildPostern.loopbackConf(work.resolve("conf"), ports);
        try (ChildPostern postern = ChildPostern.start(conf, work.resolve("data"), ports)) {
            assertThat(Files.readAllLines(childLog())).anyMatch(line -> line.matches(ISO_TIME + "Web admin server started.*"));
        }
    }

    @Test
    void anUnknownLogDestinationShouldStopStartUp() throws Exception {
        Ports ports = Ports.free();
        Path conf = ChildPostern.loopbackConf(work.resolve("conf"), ports);

        assertThatThrownBy(() -> ChildPostern.start(conf, work.resolve("data"), ports, Map.of("POSTERN_LOG", "syslog")))
            .hasMessageContaining("Postern exited with 2")
            .hasMessageContaining("POSTERN_LOG='syslog': write console (standard output, the default) or file");
    }

    /** The child's standard output, as ChildPostern keeps it. */
    private Path childLog() {
        return Path.of("target", "child-logs", work.getFileName() + ".log").toAbsolutePath();
    }
}
