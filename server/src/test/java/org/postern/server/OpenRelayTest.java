package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Never an open relay: classic relay tricks from an untrusted, unauthenticated client (127.0.0.2; only 127.0.0.1
 * is a trusted network) are refused at RCPT with a 5xx, while mail for a local user is still accepted.
 */
class OpenRelayTest {
    static final String UNTRUSTED = "127.0.0.2";
    static final String USER = "victim@example.test";

    @RegisterExtension
    static final PosternExtension SERVER = new PosternExtension(USER, "pw");

    @ParameterizedTest
    @ValueSource(strings = {
        "<victim@elsewhere.test>",
        "<postmaster@elsewhere.test>",
        "<abuse@elsewhere.test>",
        "<victim@elsewhere.test.>",
        "<victim@ELSEWHERE.test>",
        "<victim%elsewhere.test@example.test>",
        "<victim%elsewhere.test>",
        "<@example.test:victim@elsewhere.test>",
        "<@example.test,@relay.test:victim@elsewhere.test>",
        "<elsewhere.test!victim@example.test>",
        "<elsewhere.test!victim>",
        "<\"victim@elsewhere.test\"@example.test>",
        "<\"victim%elsewhere.test\"@example.test>",
        "<\"victim@elsewhere.test\">",
        "<victim@elsewhere.test@example.test>",
        "<victim@example.test@elsewhere.test>",
        "<victim@[127.0.0.1]>",
        "<victim@[192.0.2.1]>",
        "<victim@[IPv6:::1]>",
        "<victim@example.test.elsewhere.test>",
        "victim@elsewhere.test",
        "<victim@elsewhere.test> NOTIFY=NEVER"})
    void relayTricksFromAnUntrustedClientShouldBeRefused(String recipient) throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, SERVER.ports().smtp(), UNTRUSTED)) {
            smtp.ehlo();
            smtp.sendExpect("MAIL FROM:<someone@sender.test>", "250");

            List<String> reply = smtp.send("RCPT TO:" + recipient);

            assertThat(reply.get(reply.size() - 1)).as("RCPT TO:%s", recipient).matches("5\\d\\d .*");
        }
    }

    @Test
    void aForeignRecipientShouldGetRelayAccessDenied() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, SERVER.ports().smtp(), UNTRUSTED)) {
            smtp.ehlo();
            smtp.sendExpect("MAIL FROM:<someone@sender.test>", "250");

            smtp.sendExpect("RCPT TO:<victim@elsewhere.test>", "554 5.7.1 Relay access denied");
        }
    }

    @Test
    void aTrustedClientMayRelay() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, SERVER.ports().smtp(), "127.0.0.1")) {
            smtp.ehlo();
            smtp.sendExpect("MAIL FROM:<someone@sender.test>", "250");

            smtp.sendExpect("RCPT TO:<victim@elsewhere.test>", "250");
        }
    }

    @Test
    void anAuthenticatedClientMayRelay() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, SERVER.ports().submission(), UNTRUSTED)) {
            smtp.ehlo();
            smtp.startTls();
            smtp.ehlo();
            smtp.authPlain(USER, "pw", "235");
            smtp.sendExpect("MAIL FROM:<" + USER + ">", "250");

            smtp.sendExpect("RCPT TO:<friend@elsewhere.test>", "250");
        }
    }

    @Test
    void aLocalSenderAddressFromAnUnauthenticatedClientShouldRequireAuthentication() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, SERVER.ports().smtp(), UNTRUSTED)) {
            smtp.ehlo();

            smtp.sendExpect("MAIL FROM:<someone@example.test>", "530 5.7.1");
        }
    }

    @Test
    void mailForALocalUserShouldStillBeAcceptedFromAnUntrustedClient() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, SERVER.ports().smtp(), UNTRUSTED)) {
            smtp.ehlo();
            smtp.sendExpect("MAIL FROM:<someone@elsewhere.test>", "250");

            smtp.sendExpect("RCPT TO:<" + USER + ">", "250");
            smtp.sendExpect("RCPT TO:<VICTIM@Example.Test>", "250");
            smtp.sendExpect("RCPT TO:<postmaster@example.test>", "250");
        }
    }

    @Test
    void theHundredAndFirstRecipientShouldBeDeferredWith452() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, SERVER.ports().smtp(), UNTRUSTED)) {
            smtp.ehlo();
            smtp.sendExpect("MAIL FROM:<someone@sender.test>", "250");
            for (int i = 0; i < 100; i++) {
                smtp.sendExpect("RCPT TO:<" + USER + ">", "250");
            }

            smtp.sendExpect("RCPT TO:<" + USER + ">", "452 4.5.3");
        }
    }
}
