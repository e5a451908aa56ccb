package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.testing.LoopbackDnsServer;

/**
 * One DSN format: the notices the mail pipeline sends (routing errors, an unknown local user after aliasing, a mail
 * loop) come from Postern's RFC 3464 writer like the delivery routes' ones, with the real enhanced status and
 * diagnostic, Reporting-MTA and From MAILER-DAEMON@ the configured host name, and an empty reverse path; read back
 * over POP3 from the sender's mailbox.
 */
class DsnFormatTest {
    static final String SENDER = "sender@example.test";
    static final String HOST_NAME = "postern.test";

    @TempDir
    static Path work;
    static LoopbackDnsServer dns;
    static InJvmPostern postern;

    @BeforeAll
    static void start() throws Exception {
        dns = LoopbackDnsServer.start();
        dns.mx("nullmx.test", 0, ".", 300);
        Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
        LoopbackNetwork.useDns(conf, dns);
        Files.writeString(conf.resolve("delivery.xml"), "<delivery><heloName>" + HOST_NAME + "</heloName></delivery>");
        Files.writeString(conf.resolve("transport.xml"), "<transport>"
            + "<route domain='old.test' action='error:5.1.6 this domain no longer receives mail'/>"
            + "<route domain='*' action='mx'/></transport>");
        postern = InJvmPostern.start(conf, work.resolve("data")).withUser("example.test", SENDER, "pw");
        postern.data().addAddressMapping("alias", "example.test", "ghost@example.test");
    }

    @AfterAll
    static void stop() {
        postern.close();
        dns.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "null MX          | nobody@nullmx.test  | nobody@nullmx.test  | 0  | 5.1.10 | null MX",
        "no such domain   | nobody@nowhere.test | nobody@nowhere.test | 0  | 5.1.2  | nowhere.test",
        "transport error  | someone@old.test    | someone@old.test    | 0  | 5.1.6  | this domain no longer receives mail",
        "alias to no user | alias@example.test  | ghost@example.test  | 0  | 5.1.1  | no such user here",
        "mail loop        | " + SENDER + "      | " + SENDER + "      | 31 | 5.4.6  | mail loop",
    })
    void noticeShouldComeFromPosternsWriterWithTheRealStatus(String name, String recipient, String finalRecipient, int receivedHeaders,
                                                             String status, String diagnostic) throws Exception {
        String subject = "dsn format: " + name;
        StringBuilder message = new StringBuilder();
        for (int i = 0; i < receivedHeaders; i++) {
            message.append("Received: from hop").append(i).append(".test by hop").append(i + 1).append(".test; Tue, 1 Dec 2026 10:00:00 +0000\r\n");
        }
        message.append("Subject: ").append(subject).append("\r\n\r\nhello\r\n");
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
            smtp.ehlo();
            assertThat(smtp.sendMail(SENDER, List.of(recipient), message.toString().getBytes(StandardCharsets.US_ASCII))).startsWith("250 2.6.0");
        }

        String notice = awaitNoticeAbout(subject);

        assertThat(notice).contains(
            "From: Mail Delivery System <MAILER-DAEMON@" + HOST_NAME + ">",
            "Return-Path: <>",
            "Content-Type: multipart/report; report-type=delivery-status",
            "Reporting-MTA: dns; " + HOST_NAME,
            "Final-Recipient: rfc822; " + finalRecipient,
            "Action: failed",
            "Status: " + status + "\r\n",
            "Diagnostic-Code: X-Postern; ")
            .containsPattern("Diagnostic-Code: X-Postern; [^\r]*" + java.util.regex.Pattern.quote(diagnostic))
            .doesNotContain("X-James", "Status: unknown");
    }

    private static String awaitNoticeAbout(String subject) {
        String[] found = new String[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            Optional<String> notice = mailbox().stream()
                .filter(message -> message.contains("Subject: " + subject + "\r\n") && message.contains("message/delivery-status"))
                .findFirst();
            notice.ifPresent(text -> found[0] = text);
            return notice.isPresent();
        });
        return found[0];
    }

    private static List<String> mailbox() throws Exception {
        try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, postern.ports().pop3(), SENDER, "pw")) {
            List<String> messages = new ArrayList<>();
            for (int i = 1; i <= pop3.count(); i++) {
                messages.add(new String(pop3.message("RETR " + i), StandardCharsets.ISO_8859_1));
            }
            return messages;
        }
    }
}
