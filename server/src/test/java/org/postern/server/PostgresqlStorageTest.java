package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL setting of james-database.properties, against a real PostgreSQL server ({@link SharedPostgres}:
 * {@code .ci/run} starts a private one on loopback); each run gets a fresh database. Several nodes on one database:
 * {@link SeveralNodesTest}.
 */
class PostgresqlStorageTest {
    @TempDir
    Path work;

    SharedPostgres postgres;

    @BeforeEach
    void requirePostgres() {
        postgres = SharedPostgres.require();
    }

    /** A fresh database on the test server; the conf at {@code conf} points at it. */
    private String newDatabase(Path conf) throws Exception {
        String url = postgres.newDatabase();
        postgres.configure(conf, url);
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

        try (Connection connection = postgres.connect(url); Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("SELECT COUNT(*) FROM JAMES_MAIL")) {
            rows.next();
            assertThat(rows.getInt(1)).as("messages stored in PostgreSQL").isEqualTo(1);
        }
        try (Connection connection = postgres.connect(url); Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("SELECT KIND FROM POSTERN_LEDGER WHERE RECIPIENT = 'gina@pg.test' ORDER BY AT_MS, ID")) {
            List<String> kinds = new java.util.ArrayList<>();
            while (rows.next()) {
                kinds.add(rows.getString(1));
            }
            assertThat(kinds).as("the delivery ledger lives in PostgreSQL too").containsExactly("ARRIVED", "STORED");
        }
    }
}
