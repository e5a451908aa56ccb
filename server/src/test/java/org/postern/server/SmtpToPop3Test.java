package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A message sent over SMTP is read back over POP3, byte for byte, through the real servers. */
class SmtpToPop3Test {
    static final String USER = "alice@example.test";
    static final String PASSWORD = "secret";

    @RegisterExtension
    static final PosternExtension SERVER = new PosternExtension(USER, PASSWORD);

    @Test
    void messageShouldArriveByteIdenticalIncludingLinesStartingWithDot() throws Exception {
        byte[] message = ("From: Bob <bob@elsewhere.test>\r\n"
            + "To: Alice <" + USER + ">\r\n"
            + "Subject: dots and bytes\r\n"
            + "Message-ID: <dots-1@elsewhere.test>\r\n"
            + "\r\n"
            + ".a line starting with a dot\r\n"
            + "..two dots\r\n"
            + ".\tdot tab\r\n"
            + "\r\n"
            + "last line\r\n").getBytes(StandardCharsets.US_ASCII);
        Ports ports = SERVER.ports();

        String reply;
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, ports.smtp())) {
            smtp.ehlo();
            reply = smtp.sendMail("bob@elsewhere.test", List.of(USER), message);
        }

        assertThat(reply).matches("250 2\\.6\\.0 Message received: \\S+");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> count(USER) == 1);
        try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, ports.pop3(), USER, PASSWORD)) {
            byte[] retrieved = pop3.message("RETR 1");
            assertThat(new String(retrieved, StandardCharsets.ISO_8859_1))
                .endsWith(new String(message, StandardCharsets.ISO_8859_1))
                .startsWith("Return-Path: <bob@elsewhere.test>\r\n")
                .contains("Received: ");
        }
    }

    @Test
    void pop3ShouldServeListUidlTopAndDelete() throws Exception {
        String user = "carol@example.test";
        SERVER.postern().data().addUser(user, PASSWORD);
        Ports ports = SERVER.ports();
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, ports.smtp())) {
            smtp.ehlo();
            for (int i = 1; i <= 2; i++) {
                byte[] message = ("Subject: number " + i + "\r\n\r\nbody " + i + "\r\nsecond line\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
                assertThat(smtp.sendMail("bob@elsewhere.test", List.of(user), message)).startsWith("250 2.6.0");
            }
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> count(user) == 2);

        try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, ports.pop3(), user, PASSWORD)) {
            List<String> list = pop3.listing("LIST");
            List<String> uidl = pop3.listing("UIDL");
            String top = new String(pop3.message("TOP 2 0"), StandardCharsets.US_ASCII);
            String deleted = pop3.ok("DELE 1");
            String listOfDeleted = pop3.command("LIST 1");

            assertThat(list).hasSize(2).allMatch(line -> line.matches("[12] \\d+"));
            assertThat(uidl).hasSize(2).extracting(line -> line.split(" ")[1]).doesNotHaveDuplicates();
            // the spooler delivers in parallel: message 2 is either of the two
            assertThat(top).containsPattern("Subject: number [12]\r\n\r\n$").doesNotContain("body");
            assertThat(deleted).startsWith("+OK");
            assertThat(listOfDeleted).startsWith("-ERR");
        }
        assertThat(count(user)).as("DELE is committed by QUIT").isEqualTo(1);
    }

    private static int count(String user) throws Exception {
        try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, SERVER.ports().pop3(), user, PASSWORD)) {
            return pop3.count();
        }
    }
}
