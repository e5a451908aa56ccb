package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory written by Postern before its JDBC mailbox store (James's OpenJPA mailbox store) opens as it is:
 * the same messages, byte for byte, under the same UIDLs; new mail lands beside them, DELE removes them.
 *
 * <p>The fixture ({@code upgrade/jpa-store-derby.zip}, with {@code jpa-store-expected.txt}: each UIDL and the
 * SHA-256 of its RETR) was written by the previous version over SMTP and read back over POP3 by
 * {@code upgrade/make-jpa-store-fixture.sh}.</p>
 */
class UpgradeFromJpaStoreTest {
    static final String USER = "upgrade@old.test";
    static final String PASSWORD = "old";

    @TempDir
    Path work;

    @Test
    void aJpaStoreDataDirectoryShouldServeTheSameMessagesUnderTheSameUidlsAndTakeNewOnes() throws Exception {
        Path data = work.resolve("data");
        unzip("upgrade/jpa-store-derby.zip", data.resolve("store"));
        Map<String, String> expected = expected();
        List<String> uidlsAfterDelivery;

        try (InJvmPostern postern = InJvmPostern.start(data)) {
            Ports ports = postern.ports();
            try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, ports.pop3(), USER, PASSWORD)) {
                List<String> uidls = pop3.listing("UIDL");
                Map<String, String> found = new LinkedHashMap<>();
                for (String line : uidls) {
                    String[] numberAndUid = line.split(" ");
                    found.put(numberAndUid[1], sha256(pop3.message("RETR " + numberAndUid[0])));
                }
                assertThat(found).isEqualTo(expected);
            }

            try (SmtpClient smtp = new SmtpClient(Ports.HOST, ports.smtp())) {
                smtp.ehlo();
                assertThat(smtp.sendMail("new@elsewhere.test", List.of(USER),
                    "Subject: after the upgrade\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nnew\r\n"
                        .getBytes(StandardCharsets.US_ASCII))).startsWith("250 2.6.0");
            }
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> count(ports) == 4);
            try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, ports.pop3(), USER, PASSWORD)) {
                uidlsAfterDelivery = pop3.listing("UIDL").stream().map(line -> line.split(" ")[1]).toList();
                pop3.ok("DELE 2");
            }
            assertThat(count(ports)).as("DELE applied at QUIT").isEqualTo(3);
        }

        assertThat(uidlsAfterDelivery).hasSize(4).doesNotHaveDuplicates().containsAll(expected.keySet());
        String newUid = uidlsAfterDelivery.stream().filter(uid -> !expected.containsKey(uid)).findFirst().orElseThrow();
        assertThat(Long.parseLong(newUid)).as("a new message's UID follows the old ones")
            .isGreaterThan(expected.keySet().stream().mapToLong(Long::parseLong).max().orElseThrow());
        try (Connection derby = DriverManager.getConnection("jdbc:derby:" + data.resolve("store/derby"), "app", "app");
             Statement sql = derby.createStatement()) {
            assertThat(single(sql, "SELECT COUNT(*) FROM JAMES_MAIL")).isEqualTo(3);
            assertThat(single(sql, "SELECT COUNT(*) FROM JAMES_MAIL_PROPERTY WHERE MAIL_UID = 2"))
                .as("the deleted message's property rows went with it").isZero();
            assertThat(single(sql, "SELECT COUNT(*) FROM JAMES_MAIL_PROPERTY WHERE MAIL_UID = " + newUid))
                .as("the new message's MIME properties are stored as the JPA store stored them").isPositive();
        }
    }

    private static int count(Ports ports) throws IOException {
        try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, ports.pop3(), USER, PASSWORD)) {
            return pop3.count();
        }
    }

    private static long single(Statement sql, String query) throws Exception {
        try (ResultSet row = sql.executeQuery(query)) {
            row.next();
            return row.getLong(1);
        }
    }

    private static Map<String, String> expected() throws IOException {
        Map<String, String> expected = new LinkedHashMap<>();
        try (InputStream in = resource("upgrade/jpa-store-expected.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                String[] uidAndHash = line.trim().split(" ");
                expected.put(uidAndHash[0], uidAndHash[1]);
            }
        }
        return expected;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void unzip(String resource, Path target) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(resource(resource))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                Path file = target.resolve(entry.getName()).normalize();
                if (entry.isDirectory()) {
                    Files.createDirectories(file);
                } else {
                    Files.createDirectories(file.getParent());
                    Files.copy(zip, file);
                }
            }
        }
    }

    private static InputStream resource(String name) {
        return UpgradeFromJpaStoreTest.class.getClassLoader().getResourceAsStream(name);
    }
}
