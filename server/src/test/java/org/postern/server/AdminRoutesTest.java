package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An admin route file in the conf's routes/ folder, fed by CopyToQueue in the root processor, runs beside delivery:
 * the archive example of docs/admin-routes.md copies mail for one domain into a folder while local delivery goes on as before.
 */
class AdminRoutesTest {
    static final String ARCHIVED_USER = "alice@example.test";
    static final String OTHER_USER = "bob@other.test";
    static final String PASSWORD = "pw";

    @TempDir
    static Path work;
    static Path archive;
    static InJvmPostern postern;

    @BeforeAll
    static void start() throws Exception {
        Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
        archive = work.resolve("archive");
        Files.writeString(conf.resolve("routes/archive.xml"), Files.readString(conf.resolve("routes/archive.xml.example"))
            .replace("'example.com'", "'example.test'")
            .replace("/var/lib/postern/archive/example.com", archive.toString()));
        Path mailets = conf.resolve("mailetcontainer.xml");
        String pipeline = Files.readString(mailets);
        String firstOfRoot = "<mailet match=\"All\" class=\"PostmasterAlias\"/>";
        assertThat(pipeline).contains(firstOfRoot);
        Files.writeString(mailets, pipeline.replace(firstOfRoot,
            "<mailet match=\"All\" class=\"org.postern.queue.CopyToQueue\"><queue>archive</queue></mailet>\n" + firstOfRoot));
        postern = InJvmPostern.start(conf, work.resolve("data"))
            .withUser("example.test", ARCHIVED_USER, PASSWORD)
            .withUser("other.test", OTHER_USER, PASSWORD);
    }

    @AfterAll
    static void stop() {
        postern.close();
    }

    private static String send(String recipient, String message) throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
            smtp.ehlo();
            String reply = smtp.sendMail("someone@elsewhere.test", List.of(recipient), message.getBytes(StandardCharsets.US_ASCII));
            assertThat(reply).startsWith("250 2.6.0");
            return ChildPostern.queueIds(reply).get(0);
        }
    }

    private static String awaitMailbox(String user) throws Exception {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, postern.ports().pop3(), user, PASSWORD)) {
                return pop3.count() == 1;
            }
        });
        try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, postern.ports().pop3(), user, PASSWORD)) {
            return new String(pop3.message("RETR 1"), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void theArchiveRouteShouldCopyMailForItsDomainToTheFolderWhileLocalDeliveryGoesOn() throws Exception {
        String archived = "From: someone@elsewhere.test\r\nTo: " + ARCHIVED_USER + "\r\nSubject: to archive\r\n\r\n.dot line\r\nbody\r\n";
        String notArchived = "From: someone@elsewhere.test\r\nTo: " + OTHER_USER + "\r\nSubject: not archived\r\n\r\nbody\r\n";

        String notArchivedId = send(OTHER_USER, notArchived);
        String archivedId = send(ARCHIVED_USER, archived);

        Path file = archive.resolve(archivedId + ".eml");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> Files.exists(file));
        String copy = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
        assertThat(copy).startsWith("Received: ").endsWith(archived);
        assertThat(awaitMailbox(ARCHIVED_USER)).endsWith(archived);
        assertThat(awaitMailbox(OTHER_USER)).endsWith(notArchived);
        try (var files = Files.list(archive)) {
            assertThat(files.map(path -> path.getFileName().toString()))
                .containsExactly(archivedId + ".eml")
                .doesNotContain(notArchivedId + ".eml");
        }
    }
}
