package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import org.postern.testing.LoopbackDnsServer;
import org.postern.testing.ScriptedSmtpPeer;

/**
 * One host name, {@code <hostname>} of postern.xml, everywhere the server names itself, seen from outside: the SMTP
 * greeting and EHLO reply, the POP3 greeting, the Received header of relayed mail, the EHLO toward the next hop, the
 * EHLO of a callout, and the Reporting-MTA and From of a bounce; an older place naming another host stops start-up.
 */
class HostNameTest {
    static final String NAME = "mx.hostname.test";
    static final String SENDER = "sender@example.test";

    @TempDir
    static Path work;
    static LoopbackDnsServer dns;
    static ScriptedSmtpPeer mx;
    static ScriptedSmtpPeer partner;
    static InJvmPostern postern;

    @BeforeAll
    static void start() throws Exception {
        mx = ScriptedSmtpPeer.startOnPort(0, 70).on("RCPT", "bad@", "550 5.1.1 no such user here");
        partner = ScriptedSmtpPeer.startOnPort(mx.port(), Integer.parseInt(mx.host().substring(mx.host().lastIndexOf('.') + 1)) + 1);
        dns = LoopbackDnsServer.start();
        dns.mx("dest.test", 10, "mx.dest.test", 300).a("mx.dest.test", mx.host(), 300)
            .mx("partner.test", 10, "mx.partner.test", 300).a("mx.partner.test", partner.host(), 300);
        Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
        Files.writeString(conf.resolve("postern.xml"), "<postern><hostname>" + NAME + "</hostname></postern>");
        LoopbackNetwork.useDns(conf, dns);
        Files.writeString(conf.resolve("transport.xml"), LoopbackNetwork.transport(mx.port(), ""));
        Files.writeString(conf.resolve("relaydomains.xml"), "<relaydomains><callout><timeout>3s</timeout></callout>"
            + "<domain name=\"partner.test\" verify=\"callout\"/></relaydomains>");
        postern = InJvmPostern.start(conf, work.resolve("data")).withUser("example.test", SENDER, "pw");
    }

    @AfterAll
    static void stop() {
        postern.close();
        dns.close();
        mx.close();
        partner.close();
    }

    @Test
    void theGreetingsAndTheEhloReplyShouldNameTheHost() throws Exception {
        try (LineDialogue smtp = new LineDialogue(Ports.HOST, postern.ports().smtp(), null)) {
            assertThat(smtp.readReply()).containsExactly("220 " + NAME + " Postern ESMTP");
            smtp.write("EHLO client.test");
            assertThat(smtp.readReply().get(0)).startsWith("250-" + NAME);
        }
        try (LineDialogue pop3 = new LineDialogue(Ports.HOST, postern.ports().pop3(), null)) {
            assertThat(pop3.readLine()).startsWith("+OK").contains(NAME);
        }
    }

    @Test
    void relayedMailShouldCarryTheNameInReceivedAndEhloAndItsBounceInReportingMtaAndFrom() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
            smtp.ehlo();
            assertThat(smtp.sendMail(SENDER, List.of("good@dest.test", "bad@dest.test"),
                "From: sender@example.test\r\nSubject: named\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII))).startsWith("250");
        }

        ScriptedSmtpPeer.Message delivered = mx.awaitMessage("Subject: named", Duration.ofSeconds(30));
        assertThat(delivered.text()).containsPattern("Received: from .*\r\n\\s+by " + NAME.replace(".", "\\.") + " ");
        assertThat(mx.commands()).anyMatch(command -> command.endsWith(" EHLO " + NAME));
        String bounce = bounce();
        assertThat(bounce).contains("From: Mail Delivery System <MAILER-DAEMON@" + NAME + ">")
            .contains("Reporting-MTA: dns; " + NAME);
    }

    @Test
    void aCalloutShouldSayEhloWithTheName() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
            smtp.ehlo();
            smtp.sendExpect("MAIL FROM:<someone@elsewhere.test>", "250");
            smtp.sendExpect("RCPT TO:<someone@partner.test>", "250");
        }

        assertThat(partner.commands()).anyMatch(command -> command.endsWith(" EHLO " + NAME))
            .anyMatch(command -> command.endsWith(" RCPT TO:<someone@partner.test>"));
    }

    @Test
    void anOlderPlaceNamingAnotherHostShouldStopStartUpSayingWhatToDo() throws Exception {
        Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conflict"));
        Files.writeString(conf.resolve("postern.xml"), "<postern><hostname>" + NAME + "</hostname></postern>");
        Files.writeString(conf.resolve("delivery.xml"), "<delivery><heloName>old.hostname.test</heloName></delivery>");

        assertThatThrownBy(() -> InJvmPostern.start(conf, work.resolve("conflict-data")))
            .satisfies(failure -> assertThat(StartupFailure.explain(failure).message())
                .contains("delivery.xml <heloName> = 'old.hostname.test' differs from <hostname> '" + NAME + "' of postern.xml: remove it"));
    }

    private static String bounce() throws Exception {
        String[] found = new String[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, postern.ports().pop3(), SENDER, "pw")) {
                for (int i = 1; i <= pop3.count(); i++) {
                    String message = new String(pop3.message("RETR " + i), StandardCharsets.ISO_8859_1);
                    if (message.contains("Final-Recipient: rfc822; bad@dest.test")) {
                        found[0] = message;
                        return true;
                    }
                }
            }
            return false;
        });
        return found[0];
    }
}
