package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.testing.ScriptedSmtpPeer;

/**
 * The delivery ledger through the running server: a message accepted over SMTP and stored in a mailbox can be
 * looked up by queue id, Message-ID and recipient over webadmin, and still after a restart; relayed mail shows
 * each attempt (host, address, TLS, reply), its outcome and the DSN sent. Each event names the node it happened on.
 */
class LedgerTest {
    @TempDir
    Path work;

    @Test
    void aStoredMessageShouldBeTracedByQueueIdMessageIdAndRecipientAcrossARestart() throws Exception {
        Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
        Files.writeString(conf.resolve("james-database.properties"), "node.name=ledger-node-1\n", java.nio.file.StandardOpenOption.APPEND);
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
            assertThat(byQueueId.split("\"node\":\"ledger-node-1\"", -1)).as("each event names its node: " + byQueueId).hasSize(3);
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

    @Test
    void deliveredDeferredAndBouncedMessagesShouldBeTracedWithHostAddressAndReplyAcrossARestart() throws Exception {
        try (ScriptedSmtpPeer peer = ScriptedSmtpPeer.start("127.0.27.9", 0)
                .on("RCPT", "later@", "451 4.3.0 try again later")
                .on("RCPT", "bad@", "550 5.1.1 no such user here")) {
            Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
            Files.writeString(conf.resolve("transport.xml"), "<transport><route domain=\"next.test\" action=\"smtp:["
                + peer.host() + "]:" + peer.port() + "\"/></transport>");
            Files.writeString(conf.resolve("delivery.xml"), "<delivery><heloName>postern.test</heloName>"
                + "<retry><first>2s</first><max>2s</max><giveUpAfter>1h</giveUpAfter></retry><delayNotice>1h</delayNotice></delivery>");
            String address = "\"address\":\"" + peer.host() + ":" + peer.port() + "\"";
            String delivered;
            String deferred;
            String bounced;
            InJvmPostern postern = InJvmPostern.start(conf, work.resolve("data")).withUser("example.test", "user@example.test", "pw");
            try {
                delivered = send(postern, "ok@next.test", "<ledger-ok@sender.test>");
                deferred = send(postern, "later@next.test", "<ledger-later@sender.test>");
                bounced = send(postern, "bad@next.test", "<ledger-bad@sender.test>");
                int webAdmin = postern.ports().webAdmin();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                    ledger(webAdmin, "queueId=" + delivered).contains("\"event\":\"delivered\"")
                        && ledger(webAdmin, "queueId=" + deferred).contains("\"event\":\"deferred\"")
                        && ledger(webAdmin, "queueId=" + bounced).contains("\"event\":\"dsn\""));

                assertThat(ledger(webAdmin, "queueId=" + delivered))
                    .containsPattern("\"event\":\"arrived\".*\"event\":\"attempt\".*\"event\":\"delivered\"")
                    .contains(address, "\"tls\":false", "\"tlsLevel\":\"may/plaintext\"", "\"reply\":\"250 2.0.0 Ok: queued as Q",
                        "\"recipient\":\"ok@next.test\"");
                assertThat(ledger(webAdmin, "messageId=" + URLEncoder.encode("<ledger-ok@sender.test>", StandardCharsets.UTF_8)))
                    .containsPattern("\"event\":\"arrived\".*\"event\":\"attempt\".*\"event\":\"delivered\"");
                assertThat(ledger(webAdmin, "queueId=" + deferred))
                    .containsPattern("\"event\":\"attempt\".*\"event\":\"deferred\"")
                    .contains(address, "\"reply\":\"451 4.3.0 try again later\"", "\"detail\":\"next attempt at ");
                assertThat(ledger(webAdmin, "queueId=" + bounced))
                    .containsPattern("\"event\":\"attempt\".*\"event\":\"failed\".*\"event\":\"dsn\"")
                    .contains(address, "\"reply\":\"550 5.1.1 no such user here\"", "\"detail\":\"failure dsn-");
            } finally {
                postern.close();
            }

            InJvmPostern restarted = InJvmPostern.start(conf, work.resolve("data"));
            try {
                int webAdmin = restarted.ports().webAdmin();
                assertThat(ledger(webAdmin, "queueId=" + delivered)).contains("\"event\":\"delivered\"", address);
                assertThat(ledger(webAdmin, "queueId=" + deferred)).contains("\"event\":\"deferred\"", address);
                assertThat(ledger(webAdmin, "queueId=" + bounced)).contains("\"event\":\"failed\"", "\"event\":\"dsn\"", address);
            } finally {
                restarted.close();
            }
        }
    }

    private static String send(InJvmPostern postern, String recipient, String messageId) throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
            smtp.ehlo();
            String reply = smtp.sendMail("user@example.test", List.of(recipient),
                ("Message-ID: " + messageId + "\r\nSubject: ledger\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(reply).startsWith("250 2.6.0 Message received: ");
            return reply.substring("250 2.6.0 Message received: ".length()).trim();
        }
    }

    private static String ledger(int webAdmin, String query) throws Exception {
        WebAdminClient.Answer answer = WebAdminClient.get(webAdmin, "/postern/ledger?" + query);
        assertThat(answer.status()).as(query + ": " + answer.body()).isEqualTo(200);
        return answer.body();
    }
}
