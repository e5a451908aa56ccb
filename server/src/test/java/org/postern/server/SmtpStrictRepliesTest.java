package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * AUTH only where it is offered, and strict replies to AUTH exchanges and MAIL/RCPT parameters (RFC 4954, 5321, 3463),
 * through real SMTP sessions with the shipped smtpserver.xml.
 */
class SmtpStrictRepliesTest {
    static final String USER = "erin@example.test";
    static final String PASSWORD = "erin-password";
    static final String UNTRUSTED = "127.0.0.2";

    @RegisterExtension
    static final PosternExtension SERVER = new PosternExtension(USER, PASSWORD);

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "listener {0}")
    @CsvSource({"smtp", "submission"})
    void authInClearShouldGive538WithoutCheckingTheCredentials(String listener) throws Exception {
        int port = listener.equals("smtp") ? SERVER.ports().smtp() : SERVER.ports().submission();
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, port, UNTRUSTED)) {
            smtp.ehlo();

            smtp.sendExpect("AUTH PLAIN " + SmtpClient.plainCredentials(USER, PASSWORD), "538 5.7.11");
            smtp.sendExpect("AUTH PLAIN " + SmtpClient.plainCredentials(USER, "wrong"), "538 5.7.11");
            smtp.sendExpect("AUTH LOGIN", "538 5.7.11");
            smtp.sendExpect("MAIL FROM:<" + USER + ">", "530");
        }
    }

    @Test
    void authInClearShouldNotLetAnUntrustedClientRelay() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, SERVER.ports().smtp(), UNTRUSTED)) {
            smtp.ehlo();
            smtp.sendExpect("AUTH PLAIN " + SmtpClient.plainCredentials(USER, PASSWORD), "538 5.7.11");

            smtp.sendExpect("MAIL FROM:<someone@elsewhere.test>", "250");
            smtp.sendExpect("RCPT TO:<victim@elsewhere.test>", "554 5.7.1");
        }
    }

    @Test
    void authAfterStartTlsShouldStillWork() throws Exception {
        try (SmtpClient smtp = tlsSession()) {
            smtp.authPlain(USER, PASSWORD, "235 2.7.0");
        }
    }

    @Test
    void authLoginShouldWorkStepByStep() throws Exception {
        try (SmtpClient smtp = tlsSession()) {
            smtp.sendExpect("AUTH LOGIN", "334 VXNlcm5hbWU6");
            smtp.sendExpect(base64(USER), "334 UGFzc3dvcmQ6");

            smtp.sendExpect(base64(PASSWORD), "235 2.7.0");
        }
    }

    @Test
    void malformedBase64InAuthLoginShouldGive501552() throws Exception {
        try (SmtpClient smtp = tlsSession()) {
            smtp.sendExpect("AUTH LOGIN", "334");

            smtp.sendExpect("not base64 at all!", "501 5.5.2");
            smtp.sendExpect("AUTH LOGIN " + base64(USER), "334");
            smtp.sendExpect("%%%%", "501 5.5.2");
        }
    }

    @Test
    void malformedPlainResponsesShouldGive501552() throws Exception {
        try (SmtpClient smtp = tlsSession()) {
            smtp.sendExpect("AUTH PLAIN abc", "501 5.5.2");
            smtp.sendExpect("AUTH PLAIN " + base64("no-nul-separators"), "501 5.5.2");
        }
    }

    @Test
    void starShouldCancelTheExchangeWith501500() throws Exception {
        try (SmtpClient smtp = tlsSession()) {
            smtp.sendExpect("AUTH PLAIN", "334");
            smtp.sendExpect("*", "501 5.0.0");
            smtp.sendExpect("AUTH LOGIN", "334");
            smtp.sendExpect(base64(USER), "334");
            smtp.sendExpect("*", "501 5.0.0");

            smtp.authPlain(USER, PASSWORD, "235");
        }
    }

    @Test
    void thirdFailedAttemptShouldGive421AndClose() throws Exception {
        try (SmtpClient smtp = tlsSession()) {
            smtp.authPlain(USER, "wrong-1", "535 5.7.8");
            smtp.sendExpect("AUTH PLAIN %%%", "501 5.5.2");

            smtp.authPlain(USER, PASSWORD + "-wrong", "421 4.7.0");
            assertThatThrownBy(() -> smtp.send("NOOP")).isInstanceOf(IOException.class);
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "MAIL FROM:<a@elsewhere.test> FOO=BAR | 555 5.5.4",
        "MAIL FROM:<a@elsewhere.test> SMTPUTF8 | 555 5.5.4",
        "MAIL FROM:<a@elsewhere.test> SIZE=abc | 501 5.5.4",
        "MAIL FROM:<a@elsewhere.test> SIZE= | 501 5.5.4",
        "MAIL FROM:<a@elsewhere.test> BODY=X | 501 5.5.4",
        "MAIL FROM:<a@elsewhere.test> RET=X | 501 5.5.4",
        "MAIL FROM:<a@elsewhere.test> ENVID=a+b | 501 5.5.4",
        "MAIL FROM:<a@elsewhere.test> SIZE=10 SIZE=10 | 501 5.5.4",
        "MAIL FROM:<a@elsewhere.test> SIZE=100 BODY=8BITMIME RET=HDRS ENVID=id-1 | 250 2.1.0",
    })
    void mailParametersShouldBeCheckedStrictly(String command, String expected) throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, SERVER.ports().smtp())) {
            smtp.ehlo();

            smtp.sendExpect(command, expected);
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "RCPT TO:<" + USER + "> FOO=BAR | 555 5.5.4",
        "RCPT TO:<" + USER + "> NOTIFY=X | 501 5.5.4",
        "RCPT TO:<" + USER + "> NOTIFY=NEVER,SUCCESS | 501 5.5.4",
        "RCPT TO:<" + USER + "> ORCPT=nosemicolon | 501 5.5.4",
        "RCPT TO:<" + USER + "> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;" + USER + " | 250 2.1.5",
    })
    void rcptParametersShouldBeCheckedStrictly(String command, String expected) throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, SERVER.ports().smtp())) {
            smtp.ehlo();
            smtp.sendExpect("MAIL FROM:<a@elsewhere.test>", "250");

            smtp.sendExpect(command, expected);
        }
    }

    private static SmtpClient tlsSession() throws Exception {
        SmtpClient smtp = new SmtpClient(Ports.HOST, SERVER.ports().submission(), UNTRUSTED);
        smtp.ehlo();
        smtp.startTls();
        assertThat(smtp.ehlo()).contains("AUTH LOGIN PLAIN");
        return smtp;
    }
}
