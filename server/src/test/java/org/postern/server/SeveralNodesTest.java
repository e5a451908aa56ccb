package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Postern nodes in their production form (two child JVMs, each with its own data directory and queue) on one
 * PostgreSQL database, started at the same moment on that new database (docs/several-nodes.md,
 * docs/several-nodes.md): mail accepted by one is read over POP3 from the other with the same UIDLs; a domain, user
 * or alias changed through one node's webadmin counts on the other within {@code cache.ttl}; the ledger, shared,
 * names the node of each event (an old ledger table gains the column); two POP3 sessions on two nodes cannot hold one
 * mailbox at once; one node's death does not stop the other, and the node that comes back serves the same mail.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeveralNodesTest {
    static final String UNTRUSTED = "127.0.0.2";
    static final Duration TTL = Duration.ofSeconds(2);
    static final String DOMAIN = "cluster.test";
    static final String NINA = "nina@" + DOMAIN;

    @TempDir
    static Path work;
    static SharedPostgres postgres;
    static String url;
    static Node a;
    static Node b;

    /** One node: its conf, data and ports, and the running process. */
    static final class Node {
        final String name;
        final Path conf;
        final Path data;
        final Ports ports;
        ChildPostern process;

        Node(String name) throws Exception {
            this.name = name;
            this.ports = Ports.free();
            this.conf = ChildPostern.loopbackConf(work.resolve(name).resolve("conf"), ports);
            this.data = work.resolve(name).resolve("data");
            postgres.configure(conf, url, "node.name=" + name, "cache.ttl=" + TTL.toSeconds() + "s");
        }

        void start() throws Exception {
            process = ChildPostern.start(conf, data, ports);
        }

        int webadmin(String method, String path, String json) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(WebAdminClient.uri(ports.webAdmin(), path));
            request = json == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
            return WebAdminClient.send(request.build()).status();
        }

        /** The reply to RCPT TO from a client that is neither trusted nor authenticated. */
        String rcpt(String recipient) throws Exception {
            try (SmtpClient smtp = new SmtpClient(Ports.HOST, ports.smtp(), UNTRUSTED)) {
                smtp.ehlo();
                smtp.sendExpect("MAIL FROM:<someone@sender.test>", "250");
                return smtp.send("RCPT TO:<" + recipient + ">").get(0);
            }
        }

        /** Sends a message; returns its queue id. */
        String send(String recipient, String subject) throws Exception {
            try (SmtpClient smtp = new SmtpClient(Ports.HOST, ports.smtp(), UNTRUSTED)) {
                smtp.ehlo();
                String reply = smtp.sendMail("someone@sender.test", List.of(recipient),
                    ("Subject: " + subject + "\r\n\r\nsent through " + name + "\r\n").getBytes(StandardCharsets.US_ASCII));
                assertThat(reply).as(name + " accepts for " + recipient).startsWith("250 2.6.0");
                return ChildPostern.queueIds(reply).get(0);
            }
        }

        List<String> uidls(String mailbox) throws Exception {
            try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, ports.pop3(), mailbox, "pw")) {
                return pop3.listing("UIDL").stream().map(line -> line.split(" ")[1]).toList();
            }
        }

        String ledger(String queueId) throws Exception {
            return WebAdminClient.get(ports.webAdmin(), "/postern/ledger?queueId=" + queueId).body();
        }
    }

    @BeforeAll
    static void startTwoNodesOnOneNewDatabase() throws Exception {
        postgres = SharedPostgres.require();
        url = postgres.newDatabase();
        try (Connection database = postgres.connect(url); Statement sql = database.createStatement()) {
            // the ledger as a version before TLS levels and node names left it
            sql.executeUpdate("CREATE TABLE POSTERN_LEDGER (ID BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                + "AT_MS BIGINT NOT NULL, QUEUE_ID VARCHAR(255) NOT NULL, MESSAGE_ID VARCHAR(998), ENVID VARCHAR(100), "
                + "SENDER VARCHAR(320), RECIPIENT VARCHAR(320), KIND VARCHAR(16) NOT NULL, HOST VARCHAR(255), "
                + "ADDRESS VARCHAR(64), TLS SMALLINT, REPLY VARCHAR(1000), DETAIL VARCHAR(1000))");
            sql.executeUpdate("INSERT INTO POSTERN_LEDGER (AT_MS, QUEUE_ID, SENDER, RECIPIENT, KIND) "
                + "VALUES (" + (System.currentTimeMillis() - 86_400_000L) + ", 'MailOld', 's@example.test', 'old@" + DOMAIN + "', 'ARRIVED')");
        }
        a = new Node("node-a");
        b = new Node("node-b");
        ExecutorService starter = Executors.newFixedThreadPool(2);
        try {
            Future<?> startA = starter.submit(() -> {
                a.start();
                return null;
            });
            Future<?> startB = starter.submit(() -> {
                b.start();
                return null;
            });
            awaitBoth(startA, startB);
        } finally {
            starter.shutdown();
        }
        assertThat(a.webadmin("PUT", "/domains/" + DOMAIN, null)).isEqualTo(204);
        assertThat(a.webadmin("PUT", "/users/" + NINA, "{\"password\":\"pw\"}")).isEqualTo(204);
    }

    /** Both starts end (so that no child outlives a failed one) before a failure is reported. */
    private static void awaitBoth(Future<?> first, Future<?> second) throws Exception {
        Exception failure = null;
        for (Future<?> start : List.of(first, second)) {
            try {
                start.get();
            } catch (java.util.concurrent.ExecutionException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            stopNodes();
            throw failure;
        }
    }

    @AfterAll
    static void stopNodes() throws Exception {
        for (Node node : new Node[] {a, b}) {
            if (node != null && node.process != null) {
                node.process.close();
            }
        }
    }

    @Test
    @Order(1)
    void mailAcceptedByEitherNodeShouldBeReadFromTheOtherWithTheSameUidls() throws Exception {
        await().atMost(TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(250))
            .untilAsserted(() -> assertThat(b.rcpt(NINA)).startsWith("250"));
        for (int i = 0; i < 6; i++) {
            (i % 2 == 0 ? a : b).send(NINA, "uidl " + i);
        }

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> a.uidls(NINA).size() == 6);
        List<String> seenByA = a.uidls(NINA);
        List<String> seenByB = b.uidls(NINA);

        assertThat(seenByA).doesNotHaveDuplicates().isEqualTo(seenByB);
        try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, b.ports.pop3(), NINA, "pw")) {
            pop3.ok("DELE 1");
        }
        assertThat(a.uidls(NINA)).isEqualTo(seenByA.subList(1, 6));
    }

    @Test
    @Order(2)
    void domainsUsersAndAliasesChangedThroughOneNodeShouldCountOnTheOtherWithinTheCacheLifetime() throws Exception {
        assertThat(b.rcpt("ann@fresh.test")).as("before: unknown domain, remembered by b").startsWith("554 5.7.1");

        assertThat(a.webadmin("PUT", "/domains/fresh.test", null)).isEqualTo(204);
        assertThat(a.webadmin("PUT", "/users/ann@fresh.test", "{\"password\":\"pw\"}")).isEqualTo(204);
        assertThat(a.webadmin("PUT", "/address/aliases/ann@fresh.test/sources/annie@fresh.test", null)).isEqualTo(204);
        Instant changed = Instant.now();

        assertThat(a.rcpt("ann@fresh.test")).as("the node that made the change, at once").startsWith("250");
        assertThat(a.rcpt("annie@fresh.test")).startsWith("250");
        awaitWithinCacheLifetime(changed, () -> assertThat(b.rcpt("ann@fresh.test")).startsWith("250"));
        awaitWithinCacheLifetime(changed, () -> assertThat(b.rcpt("annie@fresh.test")).startsWith("250"));
        b.send("annie@fresh.test", "to the alias through b");
        assertThat(Pop3Client.awaitMessageContaining(Ports.HOST, a.ports.pop3(), "ann@fresh.test", "pw",
            "Subject: to the alias through b", Duration.ofSeconds(30))).contains("sent through node-b");

        assertThat(b.webadmin("DELETE", "/address/aliases/ann@fresh.test/sources/annie@fresh.test", null)).isEqualTo(204);
        assertThat(b.webadmin("DELETE", "/users/ann@fresh.test", null)).isEqualTo(204);
        assertThat(b.webadmin("DELETE", "/domains/fresh.test", null)).isEqualTo(204);
        changed = Instant.now();
        assertThat(b.rcpt("ann@fresh.test")).startsWith("554 5.7.1");
        awaitWithinCacheLifetime(changed, () -> assertThat(a.rcpt("annie@fresh.test")).startsWith("554 5.7.1"));
    }

    /** Polls until the assertion holds, and checks that it came true no later than the cache lifetime (plus slack). */
    private static void awaitWithinCacheLifetime(Instant changed, org.awaitility.core.ThrowingRunnable assertion) {
        await().atMost(TTL.plusSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(assertion);
        assertThat(Duration.between(changed, Instant.now())).as("honoured within cache.ttl").isLessThan(TTL.plusSeconds(3));
    }

    @Test
    @Order(3)
    void theSharedLedgerShouldNameTheNodeOfEachEvent() throws Exception {
        String viaA = a.send(NINA, "ledger via a");
        String viaB = b.send(NINA, "ledger via b");

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
            .until(() -> b.ledger(viaA).contains("\"event\":\"stored\"") && a.ledger(viaB).contains("\"event\":\"stored\""));

        assertThat(b.ledger(viaA)).as("read on b, happened on a").contains("\"node\":\"node-a\"").doesNotContain("node-b");
        assertThat(a.ledger(viaB)).as("read on a, happened on b").contains("\"node\":\"node-b\"").doesNotContain("node-a");
        assertThat(events(viaA)).containsExactly("ARRIVED node-a", "STORED node-a");
        assertThat(a.ledger("MailOld")).as("an event from before node names").contains("\"queueId\":\"MailOld\"").doesNotContain("\"node\"");
    }

    private static List<String> events(String queueId) throws Exception {
        List<String> events = new ArrayList<>();
        try (Connection database = postgres.connect(url); Statement sql = database.createStatement();
             ResultSet rows = sql.executeQuery("SELECT KIND, NODE FROM POSTERN_LEDGER WHERE QUEUE_ID = '" + queueId + "' ORDER BY AT_MS, ID")) {
            while (rows.next()) {
                events.add(rows.getString(1) + " " + rows.getString(2));
            }
        }
        return events;
    }

    @Test
    @Order(4)
    void twoPop3SessionsOnTwoNodesShouldNotHoldOneMailboxAtOnce() throws Exception {
        List<String> before = a.uidls(NINA);
        Pop3Client onA = Pop3Client.login(Ports.HOST, a.ports.pop3(), NINA, "pw");
        try (Pop3Client onB = new Pop3Client(Ports.HOST, b.ports.pop3())) {
            onB.startTls();
            onB.ok("USER " + NINA);
            assertThat(onB.command("PASS pw")).startsWith("-ERR [IN-USE]");

            onA.ok("DELE 1");
            onA.close();
            onB.ok("USER " + NINA);
            onB.ok("PASS pw");
            assertThat(onB.listing("UIDL").stream().map(line -> line.split(" ")[1]).toList())
                .as("b's session starts after a's deletion, not before it").isEqualTo(before.subList(1, before.size()));
        }
    }

    @Test
    @Order(5)
    void oneNodesDeathShouldNotStopTheOtherAndTheNodeThatComesBackServesTheSameMail() throws Exception {
        a.process.kill();

        String queueId = b.send(NINA, "while a is down");
        assertThat(Pop3Client.awaitMessageContaining(Ports.HOST, b.ports.pop3(), NINA, "pw", "Subject: while a is down",
            Duration.ofSeconds(30))).contains("sent through node-b");
        assertThat(b.webadmin("PUT", "/users/late@" + DOMAIN, "{\"password\":\"pw\"}")).isEqualTo(204);
        List<String> seenByB = b.uidls(NINA);

        a.start();
        assertThat(a.uidls(NINA)).isEqualTo(seenByB);
        assertThat(a.rcpt("late@" + DOMAIN)).startsWith("250");
        assertThat(a.ledger(queueId)).contains("\"node\":\"node-b\"");
    }
}
