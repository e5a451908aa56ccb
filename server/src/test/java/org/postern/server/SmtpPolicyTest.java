package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the shipped smtpserver.xml promises, checked through a real SMTP dialogue. */
class SmtpPolicyTest {
    static final String USER = "dave@example.test";
    static final String PASSWORD = "right-password";

    @RegisterExtension
    static final PosternExtension SERVER = new PosternExtension(USER, PASSWORD);

    @Test
    void ehloShouldAdvertiseTheSeedExtensionsButNoAuthBeforeStartTls() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, SERVER.ports().smtp())) {
            List<String> extensions = smtp.ehlo();

            assertThat(extensions).contains("PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME", "SIZE 15728640", "DSN",
                "STARTTLS");
            assertThat(extensions).noneMatch(line -> line.startsWith("AUTH"));
        }
    }

    @Test
    void authShouldBeOfferedAfterStartTls() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, SERVER.ports().submission())) {
            smtp.ehlo();
            smtp.startTls();
            List<String> extensions = smtp.ehlo();

            assertThat(extensions).contains("AUTH LOGIN PLAIN").doesNotContain("STARTTLS");
        }
    }

    @Test
    void authPlainWithWrongPasswordShouldGive535WithEnhancedCode() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, SERVER.ports().submission())) {
            smtp.ehlo();
            smtp.startTls();
            smtp.ehlo();

            smtp.authPlain(USER, "wrong", "535 5.7.8");
        }
    }

    @Test
    void submissionShouldRequireAuthenticationAndAcceptItWithRightPassword() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, SERVER.ports().submission())) {
            smtp.ehlo();
            smtp.sendExpect("MAIL FROM:<" + USER + ">", "530 5.7.0");
            smtp.startTls();
            smtp.ehlo();

            smtp.authPlain(USER, PASSWORD, "235");
            smtp.sendExpect("MAIL FROM:<" + USER + ">", "250 2.1.0");
        }
    }

    @Test
    void mailFromWithSizeOverTheLimitShouldGive552() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, SERVER.ports().smtp())) {
            smtp.ehlo();

            smtp.sendExpect("MAIL FROM:<a@elsewhere.test> SIZE=20000000", "552 5.3.4");
        }
    }

    @Test
    void dataOverTheLimitShouldGive552() throws Exception {
        StringBuilder big = new StringBuilder("Subject: too big\r\n\r\n");
        String line = "x".repeat(998) + "\r\n";
        while (big.length() < 16 * 1024 * 1024) {
            big.append(line);
        }
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, SERVER.ports().smtp())) {
            smtp.ehlo();

            String reply = smtp.sendMail("a@elsewhere.test", List.of(USER), big.toString().getBytes(StandardCharsets.US_ASCII));

            assertThat(reply).startsWith("552");
        }
    }

    @Test
    void unknownLocalUserShouldGive550() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, SERVER.ports().smtp())) {
            smtp.ehlo();
            smtp.sendExpect("MAIL FROM:<a@elsewhere.test>", "250");

            smtp.sendExpect("RCPT TO:<nobody@example.test>", "550 5.1.1");
        }
    }

}
