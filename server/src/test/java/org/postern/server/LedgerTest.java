package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery ledger through the running server: a message accepted over SMTP and stored in a mailbox can be
 * looked up by queue id, Message-ID and recipient over webadmin, and still after a restart.
 */
class LedgerTest {
    @TempDir
    Path work;

    @Test
    void aStoredMessageShouldBeTracedByQueueIdMessageIdAndRecipientAcrossARestart() throws Exception {
        Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
        String queueId;
        InJvmPostern postern = InJvmPostern.start(conf, work.resolve("data")).withUser("example.test", "user@example.test", "pw");
        try {
            try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
                smtp.ehlo();
                String reply = smtp.sendMail("someone@sender.test", List.of("user@example.test"),
                    "Message-ID: <ledger-1@sender.test>\r\nSubject: trace me\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(reply).startsWith("250 2.6.0 Message received: ");
                queueId = reply.substring("250 2.6.0 Message received: ".length()).trim();
            }
            int webAdmin = postern.ports().webAdmin();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                ledger(webAdmin, "queueId=" + queueId).contains("\"event\":\"stored\""));

            String byQueueId = ledger(webAdmin, "queueId=" + queueId);
            assertThat(byQueueId).containsPattern("\"event\":\"arrived\".*\"event\":\"stored\"")
                .contains("\"recipient\":\"user@example.test\"").contains("\"sender\":\"someone@sender.test\"")
                .contains("\"messageId\":\"<ledger-1@sender.test>\"");
            assertThat(ledger(webAdmin, "messageId=" + URLEncoder.encode("<ledger-1@sender.test>", StandardCharsets.UTF_8)))
                .contains("\"queueId\":\"" + queueId + "\"");
            assertThat(ledger(webAdmin, "recipient=user@example.test")).contains("\"queueId\":\"" + queueId + "\"");
            assertThat(ledger(webAdmin, "recipient=nobody@example.test")).isEqualTo("[]");
            assertThat(WebAdminClient.get(webAdmin, "/postern/ledger?color=blue").status()).isEqualTo(400);
            assertThat(WebAdminClient.get(webAdmin, "/postern/ledger").status()).isEqualTo(400);
        } finally {
            postern.close();
        }

        InJvmPostern restarted = InJvmPostern.start(conf, work.resolve("data"));
        try {
            assertThat(ledger(restarted.ports().webAdmin(), "queueId=" + queueId))
                .containsPattern("\"event\":\"arrived\".*\"event\":\"stored\"");
        } finally {
            restarted.close();
        }
    }

    private static String ledger(int webAdmin, String query) throws Exception {
        WebAdminClient.Answer answer = WebAdminClient.get(webAdmin, "/postern/ledger?" + query);
        assertThat(answer.status()).as(query + ": " + answer.body()).isEqualTo(200);
        return answer.body();
    }
}
