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
import org.postern.testing.LoopbackDnsServer;
import org.postern.testing.ScriptedSmtpPeer;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * Routed mail leaves through the Camel delivery route to scripted SMTP peers on one port of loopback addresses,
 * found through MX records served by a DNS server on loopback: bytes, MX failover, retries, per-recipient
 * outcomes, bounces read back over POP3, expiry, the null sender, connection reuse.
 */
class DeliveryTest {
    static final String SENDER = "sender@example.test";

    @TempDir
    static Path work;
    static LoopbackDnsServer dns;
    static ScriptedSmtpPeer mx;
    static ScriptedSmtpPeer busy;
    static ScriptedSmtpPeer reuse;
    static InJvmPostern postern;
    static ListAppender<ILoggingEvent> maillog = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        mx = ScriptedSmtpPeer.startOnPort(0, 1)
            .on("RCPT", "bad", "550 5.1.1 no such user here")
            .on("RCPT", "once@", "451 4.3.0 try again later", 1)
            .on("RCPT", "always@", "450 4.2.1 mailbox busy");
        busy = ScriptedSmtpPeer.startOnPort(mx.port(), Integer.parseInt(mx.host().substring(mx.host().lastIndexOf('.') + 1)) + 1)
            .on("CONNECT", "", "421 4.3.2 too busy, try the next MX");
        reuse = ScriptedSmtpPeer.startOnPort(mx.port(), Integer.parseInt(busy.host().substring(busy.host().lastIndexOf('.') + 1)) + 1);
        dns = LoopbackDnsServer.start();
        dns.mx("dest.test", 10, "mx.dest.test", 300).a("mx.dest.test", mx.host(), 300)
            .mx("failover.test", 10, "down.failover.test", 300).mx("failover.test", 20, "mx.dest.test", 300)
            .a("down.failover.test", "127.0.25.254", 300)
            .mx("busy.test", 10, "busy.busy.test", 300).mx("busy.test", 20, "mx.dest.test", 300)
            .a("busy.busy.test", busy.host(), 300)
            .mx("reuse.test", 10, "mx.reuse.test", 300).a("mx.reuse.test", reuse.host(), 300);
        Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
        LoopbackNetwork.useDns(conf, dns);
        Files.writeString(conf.resolve("transport.xml"), LoopbackNetwork.transport(mx.port(), ""));
        Files.writeString(conf.resolve("delivery.xml"), "<delivery><heloName>postern.test</heloName>"
            + "<retry><first>1s</first><max>2s</max><giveUpAfter>4s</giveUpAfter></retry>"
            + "<timeouts><connect>2s</connect><greeting>5s</greeting></timeouts>"
            + "<connectionCache><idleTime>10s</idleTime></connectionCache></delivery>");
        Logger logger = (Logger) LoggerFactory.getLogger("org.postern.delivery.maillog");
        logger.setLevel(Level.INFO);
        maillog.start();
        logger.addAppender(maillog);
        postern = InJvmPostern.start(conf, work.resolve("data")).withUser("example.test", SENDER, "pw");
    }

    @AfterAll
    static void stop() {
        postern.close();
        dns.close();
        mx.close();
        busy.close();
        reuse.close();
    }

    private static String send(String from, List<String> recipients, String message) throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
            smtp.ehlo();
            String reply = smtp.sendMail(from, recipients, message.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(reply).startsWith("250 2.6.0");
            return ChildPostern.queueIds(reply).get(0);
        }
    }

    private static List<ScriptedSmtpPeer.Message> received(ScriptedSmtpPeer peer, String subject) {
        return peer.messages().stream().filter(message -> message.text().contains("Subject: " + subject + "\r\n")).toList();
    }

    private static ScriptedSmtpPeer.Message awaitReceived(ScriptedSmtpPeer peer, String subject, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> !received(peer, subject).isEmpty());
        return received(peer, subject).get(0);
    }

    /** The sender's mailbox, every message, once at least {@code count} are there. */
    private static List<String> senderMailbox(int count) throws Exception {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, postern.ports().pop3(), SENDER, "pw")) {
                return pop3.count() >= count;
            }
        });
        try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, postern.ports().pop3(), SENDER, "pw")) {
            List<String> messages = new ArrayList<>();
            for (int i = 1; i <= pop3.count(); i++) {
                messages.add(new String(pop3.message("RETR " + i), StandardCharsets.ISO_8859_1));
            }
            return messages;
        }
    }

    private static String bounceAbout(String recipient) throws Exception {
        String[] found = new String[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            for (String message : senderMailbox(0)) {
                if (message.contains("Final-Recipient: rfc822; " + recipient)) {
                    found[0] = message;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    @Test
    void theDeliveredMessageShouldBeTheAcceptedBytesWithOneReceivedHeaderAdded() throws Exception {
        String message = "From: sender@example.test\r\nTo: a@dest.test\r\nSubject: bytes\r\nMessage-ID: <bytes@example.test>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + ".a line starting with a dot\r\n8 bits: \u00e9t\u00e9\r\n\r\n   trailing spaces   \r\nend\r\n";

        send(SENDER, List.of("a@dest.test"), message);

        ScriptedSmtpPeer.Message delivered = awaitReceived(mx, "bytes", Duration.ofSeconds(30));
        String text = delivered.text();
        assertThat(delivered.mailFrom()).isEqualTo(SENDER);
        assertThat(delivered.recipients()).containsExactly("a@dest.test");
        assertThat(text).startsWith("Received: ").endsWith(message);
        String added = text.substring(0, text.length() - message.length());
        assertThat(added.split("\r\n(?![ \t])")).as("one header, possibly folded").hasSize(1);
    }

    @Test
    void aRefusedConnectionAtTheFirstMxShouldDeliverToTheSecond() throws Exception {
        send(SENDER, List.of("x@failover.test"), "Subject: failover\r\n\r\nhello\r\n");

        assertThat(awaitReceived(mx, "failover", Duration.ofSeconds(30)).recipients()).containsExactly("x@failover.test");
    }

    @Test
    void a421AtTheFirstMxShouldDeliverToTheSecond() throws Exception {
        send(SENDER, List.of("x@busy.test"), "Subject: busy\r\n\r\nhello\r\n");

        assertThat(awaitReceived(mx, "busy", Duration.ofSeconds(30)).recipients()).containsExactly("x@busy.test");
        assertThat(busy.connections()).isGreaterThanOrEqualTo(1);
        assertThat(busy.messages()).isEmpty();
    }

    @Test
    void aTemporaryFailureShouldBeRetriedAndThenDelivered() throws Exception {
        send(SENDER, List.of("once@dest.test"), "Subject: retried\r\n\r\nhello\r\n");

        assertThat(awaitReceived(mx, "retried", Duration.ofSeconds(40)).recipients()).containsExactly("once@dest.test");
        assertThat(mx.commands()).filteredOn(command -> command.endsWith("RCPT TO:<once@dest.test>")).hasSize(2);
    }

    @Test
    void mixedOutcomesShouldDeliverTheAcceptedAndBounceTheRefusedInOneTransaction() throws Exception {
        String queueId = send(SENDER, List.of("ok@dest.test", "bad@dest.test"), "Subject: mixed\r\n\r\nhello\r\n");

        assertThat(awaitReceived(mx, "mixed", Duration.ofSeconds(30)).recipients()).containsExactly("ok@dest.test");
        String bounce = bounceAbout("bad@dest.test");
        assertThat(bounce).containsIgnoringCase("Content-Type: multipart/report; report-type=delivery-status")
            .contains("Content-Type: message/delivery-status")
            .contains("Reporting-MTA: dns; postern.test")
            .contains("Arrival-Date: ")
            .contains("Action: failed")
            .contains("Status: 5.1.1")
            .contains("Remote-MTA: dns; mx.dest.test")
            .contains("Diagnostic-Code: smtp; 550 5.1.1 no such user here")
            .contains("Subject: mixed")
            .doesNotContain("Final-Recipient: rfc822; ok@dest.test");
        assertThat(received(mx, "mixed")).hasSize(1);
        assertThat(maillog.list).map(ILoggingEvent::getFormattedMessage)
            .anyMatch(line -> line.startsWith(queueId + ": to=<ok@dest.test>, nexthop=mx:dest.test, relay=mx.dest.test[" + mx.host() + "]:" + mx.port())
                && line.contains("status=sent (250 2.0.0 Ok: queued as Q"));
    }

    @Test
    void aMailStillDeferredAfterItsLifetimeShouldBounceWithStatus447() throws Exception {
        send(SENDER, List.of("always@dest.test"), "Subject: expiring\r\n\r\nhello\r\n");

        String bounce = bounceAbout("always@dest.test");
        assertThat(bounce).contains("Status: 4.4.7").contains("450 4.2.1 mailbox busy").contains("Subject: expiring");
        assertThat(received(mx, "expiring")).isEmpty();
    }

    @Test
    void aBounceForARemoteSenderShouldBeRelayedToItsMxFromTheNullSender() throws Exception {
        send("remote-sender@dest.test", List.of("bad-remote@dest.test"), "Subject: remote sender\r\n\r\nhello\r\n");

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> mx.messages().stream()
            .anyMatch(message -> message.text().contains("Final-Recipient: rfc822; bad-remote@dest.test")));
        ScriptedSmtpPeer.Message bounce = mx.messages().stream()
            .filter(message -> message.text().contains("Final-Recipient: rfc822; bad-remote@dest.test")).findFirst().orElseThrow();
        assertThat(bounce.mailFrom()).isEmpty();
        assertThat(bounce.recipients()).containsExactly("remote-sender@dest.test");
        assertThat(bounce.text()).contains("Status: 5.1.1").contains("Subject: remote sender");
    }

    @Test
    void aFailureOfAMailFromTheNullSenderShouldNeverBeBounced() throws Exception {
        String queueId = send("", List.of("bad-null@dest.test"), "Subject: from null sender\r\n\r\nhello\r\n");

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> maillog.list.stream()
            .map(ILoggingEvent::getFormattedMessage).anyMatch(line -> line.startsWith(queueId + ": sender is the null sender: no bounce")));
        assertThat(maillog.list).map(ILoggingEvent::getFormattedMessage)
            .noneMatch(line -> line.startsWith(queueId + ": sender non-delivery notification"));
    }

    @Test
    void consecutiveMessagesToOneHostShouldReuseOneConnection() throws Exception {
        for (int i = 0; i < 3; i++) {
            send(SENDER, List.of("r" + i + "@reuse.test"), "Subject: reuse " + i + "\r\n\r\nhello\r\n");
            awaitReceived(reuse, "reuse " + i, Duration.ofSeconds(30));
        }

        assertThat(reuse.messages()).hasSize(3);
        assertThat(reuse.connections()).isEqualTo(1);
    }

    @Test
    void theDeliveryRoutesShouldShowInJamesHealthChecks() throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + postern.ports().webAdmin()
                + "/healthcheck/checks/Camel%20delivery%20routes")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\":\"healthy\"");
    }
}
