package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * POP3 reads message contents ahead, several per query to the mailbox store, and still hands every message back
 * byte for byte, whatever its size (one bigger than the read-ahead budget too), in order, out of order and to a
 * pipelining client (whose replies are flushed together).
 * Proved through the running server: messages sent over SMTP, fetched over POP3, the queries counted at /metrics.
 */
class Pop3ReadAheadTest {
    static final String USER = "reader@example.test";
    static final String PASSWORD = "secret";
    static final int MESSAGES = 40;

    @RegisterExtension
    static final PosternExtension SERVER = new PosternExtension(USER, PASSWORD);

    @Test
    void messagesShouldComeBackByteForByteWithFarFewerMailboxReadsThanRetrs() throws Exception {
        Random random = new Random(42);
        Map<String, String> bodies = new HashMap<>();
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, SERVER.ports().smtp())) {
            smtp.ehlo();
            for (int i = 0; i < MESSAGES; i++) {
                // sizes from a few bytes to 1.5 MB (past the 1 MB read-ahead budget), lines starting with dots
                int lines = i == 7 ? 20_000 : 1 + random.nextInt(200);
                StringBuilder body = new StringBuilder();
                for (int line = 0; line < lines; line++) {
                    body.append(random.nextInt(5) == 0 ? "." : "").append("line ").append(line).append(" of message ").append(i)
                        .append(" ".repeat(random.nextInt(60))).append("x\r\n");
                }
                String tag = "msg-" + i;
                bodies.put(tag, body.toString());
                byte[] message = ("Subject: " + tag + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
                assertThat(smtp.sendMail("bob@elsewhere.test", List.of(USER), message)).startsWith("250 2.6.0");
            }
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> count() == MESSAGES);
        Map<String, Double> before = Metrics.scrape(SERVER.ports().webAdmin());

        try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, SERVER.ports().pop3(), USER, PASSWORD)) {
            for (int n = 1; n <= MESSAGES; n++) {
                assertBody(new String(pop3.message("RETR " + n), StandardCharsets.US_ASCII), bodies);
            }
            // out of order, and again: a message served once is read again when asked again
            for (int n : new int[] {3, 1, MESSAGES, 8, 8}) {
                assertBody(new String(pop3.message("RETR " + n), StandardCharsets.US_ASCII), bodies);
            }
        }

        try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, SERVER.ports().pop3(), USER, PASSWORD)) {
            List<String> retrs = new ArrayList<>();
            for (int n = MESSAGES; n >= 1; n--) {
                retrs.add("RETR " + n);
            }
            List<byte[]> pipelined = pop3.pipelined(retrs);
            assertThat(pipelined).hasSize(MESSAGES);
            Set<String> tags = new HashSet<>();
            for (byte[] message : pipelined) {
                String text = new String(message, StandardCharsets.US_ASCII);
                assertBody(text, bodies);
                tags.add(text.replaceAll("(?s).*\r\nSubject: (msg-\\d+)\r\n.*", "$1"));
            }
            assertThat(tags).as("each message once").hasSize(MESSAGES);
        }

        Map<String, Double> after = Metrics.scrape(SERVER.ports().webAdmin());
        double served = Metrics.delta(before, after, "postern_pop3_messages_served_total");
        double reads = Metrics.delta(before, after, "postern_pop3_mailbox_reads_total");
        assertThat(served).isEqualTo(2 * MESSAGES + 5);
        // in order: 3 reads (1-6, then 7 alone at 1.1 MB, then 8-40); out of order: 5; backwards: one per message
        assertThat(reads).as("mailbox reads for %s RETRs", served).isGreaterThanOrEqualTo(8).isLessThanOrEqualTo(8 + MESSAGES);
    }

    private static void assertBody(String retrieved, Map<String, String> bodies) {
        String tag = retrieved.replaceAll("(?s).*\r\nSubject: (msg-\\d+)\r\n.*", "$1");
        assertThat(bodies).containsKey(tag);
        assertThat(retrieved).endsWith("\r\nSubject: " + tag + "\r\n\r\n" + bodies.get(tag));
    }

    private static int count() throws Exception {
        try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, SERVER.ports().pop3(), USER, PASSWORD)) {
            return pop3.count();
        }
    }
}
