package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Everything Postern keeps survives a restart on the same data directory. */
class RestartTest {
    static final String USER = "erin@restart.test";
    static final String PASSWORD = "pw";

    @TempDir
    Path work;

    @Test
    void domainsUsersAndUnreadMailShouldSurviveARestartWithTheSameUidls() throws Exception {
        Ports ports = Ports.free();
        Path conf = ChildPostern.loopbackConf(work.resolve("conf"), ports);
        Path data = work.resolve("data");
        List<String> uidlsBefore;
        List<byte[]> messagesBefore = new ArrayList<>();

        try (ChildPostern postern = ChildPostern.start(conf, data, ports)) {
            postern.addUser(USER, PASSWORD);
            try (SmtpClient smtp = new SmtpClient(Ports.HOST, ports.smtp())) {
                smtp.ehlo();
                for (int i = 0; i < 3; i++) {
                    byte[] message = ("Subject: keep " + i + "\r\n\r\nbody " + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    assertThat(smtp.sendMail("x@elsewhere.test", List.of(USER), message)).startsWith("250 2.6.0");
                }
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> count(ports) == 3);
            try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, ports.pop3(), USER, PASSWORD)) {
                uidlsBefore = pop3.listing("UIDL");
                for (int i = 1; i <= 3; i++) {
                    messagesBefore.add(pop3.message("RETR " + i));
                }
            }
        }

        try (ChildPostern postern = ChildPostern.start(conf, data, ports)) {
            String domains = postern.webAdminGet("/domains");
            String users = postern.webAdminGet("/users");
            try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, ports.pop3(), USER, PASSWORD)) {
                assertThat(pop3.count()).isEqualTo(3);
                assertThat(pop3.listing("UIDL")).isEqualTo(uidlsBefore);
                for (int i = 1; i <= 3; i++) {
                    assertThat(pop3.message("RETR " + i)).isEqualTo(messagesBefore.get(i - 1));
                }
            }
            assertThat(domains).contains("restart.test");
            assertThat(users).contains(USER);
        }
    }

    static int count(Ports ports) throws Exception {
        try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, ports.pop3(), USER, PASSWORD)) {
            return pop3.count();
        }
    }
}
