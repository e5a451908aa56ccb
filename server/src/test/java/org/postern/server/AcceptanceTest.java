package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.utils.MailRepositoryProbeImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.testing.ScriptedSmtpPeer;

/**
 * Recipient acceptance through the running server, from an untrusted client (127.0.0.2): local users, relay
 * domains verified by list (reloaded while running), by callout against a real SMTP peer on loopback, and
 * accept-all; the harvest limit; and relay-domain mail passing the pipeline's re-check on to its next hop.
 */
class AcceptanceTest {
    static final String UNTRUSTED = "127.0.0.2";
    static final MailRepositoryUrl RELAY_DENIED = MailRepositoryUrl.from("jpa://var/mail/relay-denied/");

    @TempDir
    static Path work;
    static Path recipients;
    static ScriptedSmtpPeer downstream;
    static InJvmPostern postern;

    @BeforeAll
    static void start() throws Exception {
        downstream = ScriptedSmtpPeer.start("127.0.0.71", 0)
            .on("RCPT", "gone@callout.test", "550 5.1.1 <gone@callout.test>: Recipient address rejected: User unknown")
            .on("RCPT", "busy@callout.test", "450 4.2.1 <busy@callout.test>: mailbox busy");
        Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
        Files.writeString(conf.resolve("relaydomains.xml"), "<relaydomains>"
            + "<callout><timeout>3s</timeout><heloName>gw.test</heloName></callout>"
            + "<domain name='list.test' verify='list'/>"
            + "<domain name='callout.test' verify='callout'/>"
            + "<domain name='down.test' verify='callout'/>"
            + "<domain name='open.test' verify='accept-all'/>"
            + "</relaydomains>");
        recipients = conf.resolve("relay-recipients.txt");
        Files.writeString(recipients, "# test list\nalice@list.test\nleaving@list.test\n");
        Files.writeString(conf.resolve("transport.xml"), "<transport>"
            + "<route domain='callout.test' action='smtp:[127.0.0.71]:" + downstream.port() + "'/>"
            + "<route domain='down.test' action='smtp:[127.0.0.72]:" + closedPort("127.0.0.72") + "'/>"
            + "<route domain='list.test' action='smtp:[127.0.0.71]:" + downstream.port() + "'/>"
            + "</transport>");
        postern = InJvmPostern.start(conf, work.resolve("data")).withUser("example.test", "user@example.test", "pw");
    }

    @AfterAll
    static void stop() throws Exception {
        postern.close();
        downstream.close();
    }

    SmtpClient untrustedSession() throws IOException {
        SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp(), UNTRUSTED);
        smtp.ehlo();
        smtp.sendExpect("MAIL FROM:<someone@sender.test>", "250");
        return smtp;
    }

    @Test
    void localDomainsShouldAcceptUsersAndPostmasterAndRefuseUnknownUsers() throws Exception {
        try (SmtpClient smtp = untrustedSession()) {
            smtp.sendExpect("RCPT TO:<user@example.test>", "250");
            smtp.sendExpect("RCPT TO:<Postmaster@example.test>", "250");
            smtp.sendExpect("RCPT TO:<nobody@example.test>", "550 5.1.1 <nobody@example.test>: Recipient address rejected");
        }
    }

    @Test
    void aListedRelayDomainShouldAcceptListedRecipientsOnlyFromAnyClient() throws Exception {
        try (SmtpClient smtp = untrustedSession()) {
            smtp.sendExpect("RCPT TO:<alice@list.test>", "250");
            smtp.sendExpect("RCPT TO:<ALICE@List.Test>", "250");
            smtp.sendExpect("RCPT TO:<postmaster@list.test>", "250");
            smtp.sendExpect("RCPT TO:<mallory@list.test>", "550 5.1.1 <mallory@list.test>: Recipient address rejected: not in the recipient list");
        }
        try (SmtpClient trusted = new SmtpClient(Ports.HOST, postern.ports().smtp(), "127.0.0.1")) {
            trusted.ehlo();
            trusted.sendExpect("MAIL FROM:<someone@sender.test>", "250");
            trusted.sendExpect("RCPT TO:<mallory@list.test>", "550 5.1.1");
        }
    }

    @Test
    void anEditedRecipientListShouldTakeEffectWithoutRestart() throws Exception {
        try (SmtpClient smtp = untrustedSession()) {
            smtp.sendExpect("RCPT TO:<newcomer@list.test>", "550 5.1.1");
        }

        Files.writeString(recipients, "newcomer@list.test\n", StandardOpenOption.APPEND);

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            try (SmtpClient smtp = untrustedSession()) {
                assertThat(smtp.send("RCPT TO:<newcomer@list.test>").get(0)).startsWith("250");
            }
        });
        try (SmtpClient smtp = untrustedSession()) {
            smtp.sendExpect("RCPT TO:<alice@list.test>", "250");
        }
    }

    @Test
    void aCalloutShouldFollowTheNextHopsAnswerAndProbeEachAddressOnce() throws Exception {
        try (SmtpClient smtp = untrustedSession()) {
            smtp.sendExpect("RCPT TO:<known@callout.test>", "250");
            smtp.sendExpect("RCPT TO:<known@callout.test>", "250");
            smtp.sendExpect("RCPT TO:<gone@callout.test>",
                "550 5.1.1 <gone@callout.test>: Recipient address rejected: undeliverable address: 127.0.0.71:");
            smtp.sendExpect("RCPT TO:<busy@callout.test>", "450 4.1.1 <busy@callout.test>: Recipient address rejected: unverified address");
        }
        try (SmtpClient again = untrustedSession()) {
            again.sendExpect("RCPT TO:<gone@callout.test>", "550 5.1.1");
        }

        assertThat(downstream.count("RCPT", "known@callout.test")).isEqualTo(1);
        assertThat(downstream.count("RCPT", "gone@callout.test")).isEqualTo(1);
        assertThat(downstream.count("EHLO", "gw.test")).isGreaterThanOrEqualTo(1);
        assertThat(downstream.count("MAIL", "FROM:<>")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aCalloutThatCannotReachTheNextHopShouldAnswer451() throws Exception {
        try (SmtpClient smtp = untrustedSession()) {
            smtp.sendExpect("RCPT TO:<anyone@down.test>", "451 4.4.1 <anyone@down.test>: Recipient address rejected: unverified address");
        }
    }

    @Test
    void anAcceptAllRelayDomainShouldTakeAnyRecipientAndForeignDomainsStayClosed() throws Exception {
        try (SmtpClient smtp = untrustedSession()) {
            smtp.sendExpect("RCPT TO:<whoever@open.test>", "250");
            smtp.sendExpect("RCPT TO:<whoever@sub.open.test>", "554 5.7.1 Relay access denied");
            smtp.sendExpect("RCPT TO:<whoever@elsewhere.test>", "554 5.7.1 Relay access denied");
        }
    }

    @Test
    void theTwentyFirstUnknownRecipientShouldCloseTheSessionWith421() throws Exception {
        try (SmtpClient smtp = untrustedSession()) {
            for (int i = 1; i <= 20; i++) {
                smtp.sendExpect("RCPT TO:<guess" + i + "@example.test>", "550 5.1.1");
            }
            smtp.sendExpect("RCPT TO:<guess21@example.test>", "421 4.7.0");

            assertThatThrownBy(() -> smtp.send("NOOP")).as("connection closed after 421").isInstanceOf(IOException.class);
        }
        try (SmtpClient fresh = untrustedSession()) {
            fresh.sendExpect("RCPT TO:<user@example.test>", "250");
        }
    }

    @Test
    void mailForAVerifiedRelayDomainRecipientShouldBeDeliveredToItsNextHop() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp(), UNTRUSTED)) {
            smtp.ehlo();
            assertThat(smtp.sendMail("someone@sender.test", List.of("alice@list.test"),
                "Subject: inbound for a relay domain\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII))).startsWith("250 2.6.0");
        }

        List<ScriptedSmtpPeer.Message> received = downstream.awaitMessages(1, Duration.ofSeconds(30));
        assertThat(received).hasSize(1);
        assertThat(received.get(0).recipients()).containsExactly("alice@list.test");
        assertThat(received.get(0).text()).contains("Subject: inbound for a relay domain");
        assertThat(postern.probe(MailRepositoryProbeImpl.class).getRepositoryMailCount(RELAY_DENIED)).isZero();
    }

    @Test
    void thePipelineShouldReturnARecipientThatIsNoLongerVerifiedAtDeliveryTime() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp(), "127.0.0.1")) {
            smtp.ehlo();
            smtp.sendExpect("MAIL FROM:<user@example.test>", "250");
            smtp.sendExpect("RCPT TO:<leaving@list.test>", "250");
            // the recipient leaves the list between RCPT and the end of DATA
            Files.writeString(recipients, Files.readString(recipients).replace("leaving@list.test\n", ""));
            Thread.sleep(2_500); // past the list's reload interval
            smtp.sendExpect("DATA", "354");
            smtp.writeRaw("Subject: too late\r\n\r\nhello\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(smtp.readReply().get(0)).startsWith("250 2.6.0");
        }

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, postern.ports().pop3(), "user@example.test", "pw")) {
                return pop3.count() >= 1;
            }
        });
        try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, postern.ports().pop3(), "user@example.test", "pw")) {
            String bounce = new String(pop3.message("RETR 1"), StandardCharsets.US_ASCII);
            assertThat(bounce).contains("leaving@list.test").contains("unknown recipient in a relay domain");
        }
    }

    static int closedPort(String address) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return socket.getLocalPort();
        }
    }
}
