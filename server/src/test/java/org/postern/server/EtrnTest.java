package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.testing.ScriptedSmtpPeer;

/**
 * ETRN (RFC 1985) over a real SMTP session: announced in EHLO, the RFC's replies, refused to outsiders, and a
 * deferred message delivered at once to the backup site's server (a scripted peer on loopback) when it asks.
 */
class EtrnTest {
    @TempDir
    static Path work;
    static InJvmPostern postern;
    static ScriptedSmtpPeer site;

    @BeforeAll
    static void start() throws Exception {
        site = ScriptedSmtpPeer.start("127.0.0.81", 0).on("RCPT", "pull@flush.test", "451 4.3.0 not online yet", 1);
        Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
        Files.writeString(conf.resolve("relaydomains.xml"), "<relaydomains>"
            + "<domain name='backup.test' verify='accept-all'/><domain name='flush.test' verify='accept-all'/></relaydomains>");
        Files.writeString(conf.resolve("transport.xml"),
            "<transport><route domain='flush.test' action='smtp:[127.0.0.81]:" + site.port() + "'/></transport>");
        // a deferred message would wait an hour for its next try
        Files.writeString(conf.resolve("delivery.xml"), "<delivery><retry><first>1h</first></retry></delivery>");
        postern = InJvmPostern.start(conf, work.resolve("data"));
    }

    @AfterAll
    static void stop() throws Exception {
        postern.close();
        site.close();
    }

    @Test
    void etrnShouldDeliverTheDeferredMailOfADomainAtOnce() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp(), "127.0.0.2")) {
            smtp.ehlo();
            assertThat(smtp.sendMail("someone@sender.test", List.of("pull@flush.test"),
                "Subject: held for the backup site\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII))).startsWith("250 2.6.0");
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> site.count("RCPT", "pull@flush.test") == 1);
        Thread.sleep(1_000); // the deferred mail is back in the outbound queue, due in an hour
        assertThat(site.messages()).isEmpty();

        try (SmtpClient smtp = session("127.0.0.1")) {
            smtp.sendExpect("ETRN flush.test", "250 2.0.0 OK, queuing for node flush.test started (1 message(s))");
        }

        List<ScriptedSmtpPeer.Message> delivered = site.awaitMessages(1, Duration.ofSeconds(30));
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0).recipients()).containsExactly("pull@flush.test");
        assertThat(delivered.get(0).text()).as("the message itself, not an empty body").contains("Subject: held for the backup site\r\n");
        try (SmtpClient smtp = session("127.0.0.1")) {
            smtp.sendExpect("ETRN flush.test", "251");
        }
    }

    SmtpClient session(String clientAddress) throws Exception {
        SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp(), clientAddress);
        assertThat(smtp.ehlo()).as("EHLO").contains("ETRN");
        return smtp;
    }

    @Test
    void aTrustedClientShouldGetTheRfcReplies() throws Exception {
        try (SmtpClient smtp = session("127.0.0.1")) {
            smtp.sendExpect("ETRN backup.test", "251 2.0.0 OK, no messages waiting for node backup.test");
            smtp.sendExpect("ETRN @backup.test", "251");
            smtp.sendExpect("ETRN elsewhere.test", "459 4.3.0 Node elsewhere.test not allowed");
            smtp.sendExpect("ETRN #outbound", "459");
            smtp.sendExpect("ETRN", "501 5.5.4");
            smtp.sendExpect("ETRN two words", "501 5.5.4");
            smtp.sendExpect("MAIL FROM:<someone@sender.test>", "250");
            smtp.sendExpect("ETRN backup.test", "503 5.5.1");
        }
    }

    @Test
    void anUntrustedClientShouldBeRefused() throws Exception {
        try (SmtpClient smtp = session("127.0.0.2")) {
            smtp.sendExpect("ETRN backup.test", "554 5.7.1");
        }
    }
}
