package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.testing.ScriptedSmtpPeer;

/**
 * Delivery status notifications end to end (RFC 3461/3464): NOTIFY, ORCPT, RET and ENVID given over SMTP travel
 * through the spool and the outbound queue to a next hop that announces DSN; for one that does not, the sender
 * gets a "relayed" notice; a delay notice goes out once; NEVER silences a failure; RET=HDRS returns no body. The
 * next hops are scripted peers on loopback reached through transport.xml routes; notices are read over POP3.
 */
class DsnTest {
    static final String SENDER = "sender@example.test";

    @TempDir
    static Path work;
    static ScriptedSmtpPeer withDsn;
    static ScriptedSmtpPeer withoutDsn;
    static InJvmPostern postern;

    @BeforeAll
    static void start() throws Exception {
        withDsn = ScriptedSmtpPeer.start("127.0.27.1", 0).extensions("PIPELINING", "8BITMIME", "DSN");
        withoutDsn = ScriptedSmtpPeer.start("127.0.27.2", 0)
            .on("RCPT", "delay@", "450 4.2.1 mailbox busy")
            .on("RCPT", "never@", "550 5.1.1 no such user")
            .on("RCPT", "control@", "550 5.1.1 no such user")
            .on("RCPT", "hdrs@", "550 5.1.1 no such user")
            .on("RCPT", "hdrs-full@", "550 5.1.1 no such user");
        Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
        Files.writeString(conf.resolve("transport.xml"), "<transport>"
            + "<route domain=\"dsn.test\" action=\"smtp:[" + withDsn.host() + "]:" + withDsn.port() + "\"/>"
            + "<route domain=\"plain.test\" action=\"smtp:[" + withoutDsn.host() + "]:" + withoutDsn.port() + "\"/>"
            + "<route domain=\"gone.test\" action=\"error:5.1.2 This domain no longer receives mail\"/>"
            + "</transport>");
        Files.writeString(conf.resolve("delivery.xml"), "<delivery><heloName>postern.test</heloName>"
            + "<retry><first>1s</first><max>1s</max><giveUpAfter>120s</giveUpAfter></retry>"
            + "<timeouts><connect>2s</connect><greeting>5s</greeting></timeouts><delayNotice>2s</delayNotice></delivery>");
        postern = InJvmPostern.start(conf, work.resolve("data")).withUser("example.test", SENDER, "pw")
            .withUser("example.test", "local@example.test", "pw");
    }

    @AfterAll
    static void stop() {
        postern.close();
        withDsn.close();
        withoutDsn.close();
    }

    /** One transaction with DSN parameters: {@code mailFrom} and {@code rcpts} are the parameters after the address. */
    static String send(String mailFromParameters, List<String> rcpts, String message) throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
            assertThat(smtp.ehlo()).contains("DSN");
            smtp.sendExpect("MAIL FROM:<" + SENDER + ">" + mailFromParameters, "250");
            for (String rcpt : rcpts) {
                smtp.sendExpect("RCPT TO:" + rcpt, "250");
            }
            smtp.sendExpect("DATA", "354");
            smtp.writeRaw(SmtpClient.dotStuff(message.getBytes(StandardCharsets.ISO_8859_1)));
            smtp.writeRaw(".\r\n".getBytes(StandardCharsets.US_ASCII));
            List<String> reply = smtp.readReply();
            assertThat(reply.get(reply.size() - 1)).startsWith("250 2.6.0");
            return ChildPostern.queueIds(reply.get(reply.size() - 1)).get(0);
        }
    }

    static List<String> senderMailbox() throws Exception {
        try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, postern.ports().pop3(), SENDER, "pw")) {
            List<String> messages = new ArrayList<>();
            for (int i = 1; i <= pop3.count(); i++) {
                messages.add(new String(pop3.message("RETR " + i), StandardCharsets.ISO_8859_1));
            }
            return messages;
        }
    }

    /** The notices in the sender's mailbox that contain {@code text}, once there is at least one. */
    static List<String> awaitNotices(String text) {
        List<List<String>> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
            List<String> matching = senderMailbox().stream().filter(message -> message.contains(text)).toList();
            found.clear();
            found.add(matching);
            return !matching.isEmpty();
        });
        return found.get(0);
    }

    static long rcpts(ScriptedSmtpPeer peer, String recipient) {
        return peer.commands().stream().filter(command -> command.contains("RCPT TO:<" + recipient + ">")).count();
    }

    static List<String> notices(String text) throws Exception {
        return senderMailbox().stream().filter(message -> message.contains(text)).toList();
    }

    @Test
    void aDsnCapablePeerShouldReceiveNotifyOrcptRetAndEnvidAndTheSenderNoRelayedNotice() throws Exception {
        send(" RET=HDRS ENVID=env+2Bpass", List.of("<ok@dsn.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;first+2Blast@old.test"),
            "Subject: passed on\r\n\r\nhello\r\n");

        ScriptedSmtpPeer.Message received = withDsn.awaitMessages(1, Duration.ofSeconds(30)).stream()
            .filter(message -> message.text().contains("Subject: passed on")).findFirst().orElseThrow();
        assertThat(received.recipients()).containsExactly("ok@dsn.test");
        assertThat(withDsn.commands()).anyMatch(command -> command.contains("MAIL FROM:<" + SENDER + ">") && command.contains(" RET=HDRS ENVID=env+2Bpass"))
            .anyMatch(command -> command.contains("RCPT TO:<ok@dsn.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;first+2Blast@old.test"));
        assertThat(notices("Final-Recipient: rfc822; ok@dsn.test")).as("the DSN-capable next hop reports, not Postern").isEmpty();
    }

    @Test
    void notifySuccessToAPeerWithoutDsnShouldGiveTheSenderARelayedNotice() throws Exception {
        send(" ENVID=relay-1", List.of("<ok@plain.test> NOTIFY=SUCCESS ORCPT=rfc822;alias+2Btag@old.test"), "Subject: relayed\r\n\r\nsecret body\r\n");

        String notice = awaitNotices("Final-Recipient: rfc822; ok@plain.test").get(0);
        assertThat(notice).containsIgnoringCase("Content-Type: multipart/report; report-type=delivery-status")
            .contains("Action: relayed", "Status: 2.0.0", "Original-Recipient: rfc822; alias+tag@old.test",
                "Original-Envelope-Id: relay-1", "Remote-MTA: dns; " + withoutDsn.host(), "Content-Type: text/rfc822-headers",
                "Subject: relayed")
            .doesNotContain("secret body");
        assertThat(withoutDsn.commands()).filteredOn(command -> command.contains("ok@plain.test"))
            .allMatch(command -> !command.contains("NOTIFY") && !command.contains("ORCPT"));
    }

    @Test
    void notifySuccessForALocalMailboxShouldGiveTheSenderADeliveredNotice() throws Exception {
        send(" ENVID=local-1", List.of("<local@example.test> NOTIFY=SUCCESS"), "Subject: stored here\r\n\r\nsecret body\r\n");

        String notice = awaitNotices("Final-Recipient: rfc822; local@example.test").get(0);
        assertThat(notice).contains("Action: delivered", "Status: 2.0.0", "Original-Envelope-Id: local-1",
                "Content-Type: text/rfc822-headers", "Subject: stored here")
            .doesNotContain("secret body");
    }

    @Test
    void aStillDeferredRecipientShouldGiveOneDelayNoticeAfterTheDelayTime() throws Exception {
        send("", List.of("<delay@plain.test> NOTIFY=DELAY,FAILURE"), "Subject: slow\r\n\r\nhello\r\n");

        String notice = awaitNotices("Final-Recipient: rfc822; delay@plain.test").get(0);
        assertThat(notice).contains("Action: delayed", "Status: 4.2.1", "Will-Retry-Until: ", "450 4.2.1 mailbox busy",
            "Subject: Delayed Mail");
        long attemptsAtNotice = rcpts(withoutDsn, "delay@plain.test");
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
            .until(() -> rcpts(withoutDsn, "delay@plain.test") >= attemptsAtNotice + 2);
        assertThat(notices("Final-Recipient: rfc822; delay@plain.test")).as("one delay notice only").hasSize(1);
    }

    @Test
    void notifyNeverShouldSuppressTheFailureNoticeOfThatRecipientOnly() throws Exception {
        send("", List.of("<never@plain.test> NOTIFY=NEVER", "<control@plain.test> NOTIFY=FAILURE"), "Subject: never\r\n\r\nhello\r\n");

        String notice = awaitNotices("Final-Recipient: rfc822; control@plain.test").get(0);
        assertThat(notice).contains("Action: failed", "Status: 5.1.1").doesNotContain("never@plain.test");
        assertThat(notices("Final-Recipient: rfc822; never@plain.test")).isEmpty();
    }

    @Test
    void notifyNeverShouldAlsoSilenceThePipelinesNoticeForARoutingError() throws Exception {
        send("", List.of("<never@gone.test> NOTIFY=NEVER", "<control@gone.test>"), "Subject: gone\r\n\r\nhello\r\n");

        String notice = awaitNotices("control@gone.test").get(0);
        assertThat(notice).contains("5.1.2").doesNotContain("never@gone.test");
        assertThat(notices("never@gone.test")).isEmpty();
    }

    @Test
    void retHdrsShouldReturnTheHeadersWithoutTheBodyAndRetFullTheWholeMessage() throws Exception {
        send(" RET=HDRS", List.of("<hdrs@plain.test>"), "Subject: headers only\r\n\r\nthe hidden body\r\n");
        send(" RET=FULL", List.of("<hdrs-full@plain.test>"), "Subject: full return\r\n\r\nthe returned body\r\n");

        assertThat(awaitNotices("Final-Recipient: rfc822; hdrs@plain.test").get(0))
            .contains("Action: failed", "Content-Type: text/rfc822-headers", "Subject: headers only")
            .doesNotContain("the hidden body");
        assertThat(awaitNotices("Final-Recipient: rfc822; hdrs-full@plain.test").get(0))
            .contains("Action: failed", "Content-Type: message/rfc822", "Subject: full return", "the returned body");
    }
}
