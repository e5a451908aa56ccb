package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * POP3 on the shipped pop3server.xml: credentials only over TLS (-ERR [AUTH] before STLS, CAPA without USER and
 * SASL), CAPA listing what is implemented (RFC 2449), SASL AUTH PLAIN (RFC 5034), also from curl as a real client,
 * and one session per mailbox (-ERR [IN-USE] for a second one until the first has quit or hung up).
 */
class Pop3AuthTest {
    static final String USER = "gina@example.test";
    static final String PASSWORD = "gina-password";
    static final String UNTRUSTED = "127.0.0.2";

    @RegisterExtension
    static final PosternExtension SERVER = new PosternExtension(USER, PASSWORD);

    private static Pop3Client client() throws Exception {
        return new Pop3Client(Ports.HOST, SERVER.ports().pop3(), UNTRUSTED);
    }

    @Test
    void capaBeforeStlsShouldListNoWayToSendCredentials() throws Exception {
        try (Pop3Client pop3 = client()) {
            List<String> capabilities = pop3.listing("CAPA");

            assertThat(capabilities).contains("STLS", "TOP", "UIDL", "PIPELINING", "RESP-CODES", "AUTH-RESP-CODE")
                .doesNotContain("USER").noneMatch(line -> line.startsWith("SASL"));
        }
    }

    @Test
    void userPassAndAuthBeforeStlsShouldBeRefusedWithAuthCode() throws Exception {
        try (Pop3Client pop3 = client()) {
            assertThat(pop3.command("USER " + USER)).startsWith("-ERR [AUTH]");
            assertThat(pop3.command("PASS " + PASSWORD)).startsWith("-ERR [AUTH]");
            assertThat(pop3.command("AUTH PLAIN " + SmtpClient.plainCredentials(USER, PASSWORD))).startsWith("-ERR [AUTH]");
            assertThat(pop3.command("STAT")).startsWith("-ERR");
        }
    }

    @Test
    void capaAfterStlsShouldListUserAndSaslPlain() throws Exception {
        try (Pop3Client pop3 = client()) {
            pop3.startTls();

            List<String> capabilities = pop3.listing("CAPA");

            assertThat(capabilities).contains("USER", "SASL PLAIN", "TOP", "UIDL", "PIPELINING", "RESP-CODES", "AUTH-RESP-CODE")
                .doesNotContain("STLS");
        }
    }

    @Test
    void authPlainWithInitialResponseShouldLogIn() throws Exception {
        try (Pop3Client pop3 = client()) {
            pop3.startTls();

            pop3.ok("AUTH PLAIN " + SmtpClient.plainCredentials(USER, PASSWORD));

            assertThat(pop3.count()).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void authPlainStepByStepShouldLogInAndStarShouldCancel() throws Exception {
        try (Pop3Client pop3 = client()) {
            pop3.startTls();
            assertThat(pop3.command("AUTH PLAIN")).isEqualTo("+ ");
            assertThat(pop3.command("*")).startsWith("-ERR");
            assertThat(pop3.command("AUTH PLAIN")).isEqualTo("+ ");

            pop3.ok(SmtpClient.plainCredentials(USER, PASSWORD));

            assertThat(pop3.count()).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void aSecondSessionForTheSameMailboxShouldGetInUseUntilTheFirstQuitsOrHangsUp() throws Exception {
        Pop3Client first = client();
        first.startTls();
        first.ok("USER " + USER);
        first.ok("PASS " + PASSWORD);

        try (Pop3Client second = client()) {
            second.startTls();
            second.ok("USER " + USER);
            assertThat(second.command("PASS " + PASSWORD)).startsWith("-ERR [IN-USE]");
            assertThat(second.command("AUTH PLAIN " + SmtpClient.plainCredentials(USER, PASSWORD))).startsWith("-ERR [IN-USE]");
            assertThat(second.command("STAT")).startsWith("-ERR");

            first.close();
            second.ok("AUTH PLAIN " + SmtpClient.plainCredentials(USER, PASSWORD));
            assertThat(second.count()).isGreaterThanOrEqualTo(0);
            second.drop();
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).pollInterval(java.time.Duration.ofMillis(100))
            .until(() -> {
                try (Pop3Client third = client()) {
                    third.startTls();
                    return third.command("AUTH PLAIN " + SmtpClient.plainCredentials(USER, PASSWORD)).startsWith("+OK");
                }
            });
    }

    @Test
    void wrongOrMalformedCredentialsShouldBeRefused() throws Exception {
        try (Pop3Client pop3 = client()) {
            pop3.startTls();

            assertThat(pop3.command("AUTH PLAIN " + SmtpClient.plainCredentials(USER, "wrong"))).startsWith("-ERR [AUTH]");
            assertThat(pop3.command("AUTH PLAIN not-base64!")).startsWith("-ERR");
            assertThat(pop3.command("AUTH CRAM-MD5")).startsWith("-ERR");
            pop3.ok("USER " + USER);
            assertThat(pop3.command("PASS wrong")).startsWith("-ERR [AUTH]");
        }
    }

    @Test
    void curlShouldLogInWithSaslPlainAfterStls() throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-v", "--max-time", "20", "--ssl-reqd", "-k",
            "--interface", UNTRUSTED, "--login-options", "AUTH=PLAIN", "-u", USER + ":" + PASSWORD,
            "pop3://" + Ports.HOST + ":" + SERVER.ports().pop3() + "/"));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(curl.exitValue()).as(output).isZero();
        assertThat(output).contains("STLS").contains("> AUTH PLAIN").contains("< +OK");
    }
}
