package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL setting of james-database.properties, against a real PostgreSQL server. {@code .ci/run} starts a
 * private one on loopback and passes its address in POSTERN_TEST_POSTGRES_URL (a JDBC URL to a database where the
 * user may CREATE DATABASE), _USER and _PASSWORD; each run gets a fresh database.
 */
class PostgresqlStorageTest {
    @TempDir
    Path work;

    String adminUrl;
    String user;
    String password;

    @BeforeEach
    void requirePostgres() {
        adminUrl = System.getenv("POSTERN_TEST_POSTGRES_URL");
        user = System.getenv("POSTERN_TEST_POSTGRES_USER");
        password = System.getenv("POSTERN_TEST_POSTGRES_PASSWORD");
        boolean required = "1".equals(System.getenv("POSTERN_REQUIRE_POSTGRES"));
        if (adminUrl == null && required) {
            throw new AssertionError("POSTERN_REQUIRE_POSTGRES=1 but POSTERN_TEST_POSTGRES_URL is not set");
        }
        Assumptions.assumeTrue(adminUrl != null, "no PostgreSQL given (POSTERN_TEST_POSTGRES_URL); .ci/run provides one");
    }

    /** A fresh database on the test server; the conf at {@code conf} points at it. */
    private String newDatabase(Path conf) throws Exception {
        String database = "postern_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(adminUrl, user, password); Statement sql = admin.createStatement()) {
            sql.execute("CREATE DATABASE " + database);
        }
        String url = adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1) + database;
        Files.writeString(conf.resolve("james-database.properties"), String.join("\n",
            "database.driverClassName=org.postgresql.Driver",
            "database.url=" + url,
            "database.username=" + user,
            "database.password=" + password, ""));
        return url;
    }

    @Test
    void mailShouldBeStoredInPostgresqlAndServedOverPop3() throws Exception {
        Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
        String url = newDatabase(conf);
        byte[] message = "Subject: via postgres\r\n\r\n.leading dot\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

        try (InJvmPostern postern = InJvmPostern.start(conf, work.resolve("data")).withUser("pg.test", "gina@pg.test", "pw")) {
            Ports ports = postern.ports();
            try (SmtpClient smtp = new SmtpClient(Ports.HOST, ports.smtp())) {
                smtp.ehlo();
                assertThat(smtp.sendMail("h@elsewhere.test", List.of("gina@pg.test"), message)).startsWith("250 2.6.0");
            }
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, ports.pop3(), "gina@pg.test", "pw")) {
                    return pop3.count() == 1;
                }
            });
            try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, ports.pop3(), "gina@pg.test", "pw")) {
                assertThat(new String(pop3.message("RETR 1"), StandardCharsets.US_ASCII))
                    .endsWith(new String(message, StandardCharsets.US_ASCII));
            }
        }

        try (Connection connection = DriverManager.getConnection(url, user, password); Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("SELECT COUNT(*) FROM JAMES_MAIL")) {
            rows.next();
            assertThat(rows.getInt(1)).as("messages stored in PostgreSQL").isEqualTo(1);
        }
        try (Connection connection = DriverManager.getConnection(url, user, password); Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("SELECT KIND FROM POSTERN_LEDGER WHERE RECIPIENT = 'gina@pg.test' ORDER BY AT_MS, ID")) {
            List<String> kinds = new java.util.ArrayList<>();
            while (rows.next()) {
                kinds.add(rows.getString(1));
            }
            assertThat(kinds).as("the delivery ledger lives in PostgreSQL too").containsExactly("ARRIVED", "STORED");
        }
    }

    /**
     * Two nodes on one PostgreSQL (each with its own data directory and queue): mail delivered through both lands in
     * one mailbox under distinct UIDs, both nodes list the same UIDLs, and a DELE through one is seen by the other.
     */
    @Test
    void twoNodesSharingPostgresqlShouldSeeOneMailboxWithTheSameUidls() throws Exception {
        Ports portsB = Ports.free();
        Path confB = ChildPostern.loopbackConf(work.resolve("conf-b"), portsB);
        newDatabase(confB);
        Path confA = InJvmPostern.copyOfShippedConf(work.resolve("conf-a"));
        Files.copy(confB.resolve("james-database.properties"), confA.resolve("james-database.properties"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String mailbox = "nina@pg.test";

        try (InJvmPostern nodeA = InJvmPostern.start(confA, work.resolve("data-a")).withUser("pg.test", mailbox, "pw");
             ChildPostern nodeB = ChildPostern.start(confB, work.resolve("data-b"), portsB)) {
            Ports portsA = nodeA.ports();
            for (int i = 0; i < 6; i++) {
                int smtp = i % 2 == 0 ? portsA.smtp() : portsB.smtp();
                try (SmtpClient client = new SmtpClient(Ports.HOST, smtp)) {
                    client.ehlo();
                    assertThat(client.sendMail("h@elsewhere.test", List.of(mailbox),
                        ("Subject: via node " + (i % 2 == 0 ? "A" : "B") + " " + i + "\r\n\r\nbody\r\n")
                            .getBytes(StandardCharsets.US_ASCII))).startsWith("250 2.6.0");
                }
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> uidls(portsA.pop3(), mailbox).size() == 6);

            List<String> seenByA = uidls(portsA.pop3(), mailbox);
            List<String> seenByB = uidls(portsB.pop3(), mailbox);
            assertThat(seenByA).doesNotHaveDuplicates().isEqualTo(seenByB);

            try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, portsB.pop3(), mailbox, "pw")) {
                pop3.ok("DELE 1");
            }
            assertThat(uidls(portsA.pop3(), mailbox)).isEqualTo(seenByA.subList(1, 6));
        }
    }

    private static List<String> uidls(int pop3Port, String mailbox) throws Exception {
        try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, pop3Port, mailbox, "pw")) {
            return pop3.listing("UIDL").stream().map(line -> line.split(" ")[1]).toList();
        }
    }
}
