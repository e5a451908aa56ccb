package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ready means ready: {@code postern dev} in a child JVM, its SMTP port polled every few milliseconds from the moment
 * the process starts. The first connection that gets through sends a message to the demo user at once: it must be
 * accepted (the demo domain and user exist before the port opens) and land in the mailbox, and the launcher prints
 * one "ready" line naming the listening addresses.
 */
class ReadinessTest {
    @TempDir
    Path work;

    @Test
    void messageSentTheMomentThePortOpensShouldBeDeliveredNormally() throws Exception {
        Ports ports = Ports.free();
        Path conf = ChildPostern.loopbackConf(work.resolve("conf"), ports);
        Path log = work.resolve("postern.log");
        Process postern = new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
            "-Dlogback.configurationFile=" + conf.resolve("logback.xml"),
            "-cp", System.getProperty("java.class.path"),
            PosternServerMain.class.getName(), "dev", "--conf", conf.toString(), "--data", work.resolve("data").toString()))
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            try (SmtpClient smtp = firstConnection(postern, ports.smtp(), log)) {
                smtp.ehlo();
                String reply = smtp.sendMail("someone@elsewhere.test", List.of(PosternServerMain.DEV_USER),
                    "Subject: first moment\r\n\r\nsent as the port opened\r\n".getBytes(StandardCharsets.US_ASCII));

                assertThat(reply).startsWith("250 2.6.0");
            }

            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
                try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, ports.pop3(), PosternServerMain.DEV_USER, PosternServerMain.DEV_PASSWORD)) {
                    return pop3.count() == 1;
                }
            });
            List<String> ready = Files.readAllLines(log).stream().filter(line -> line.startsWith("postern: ready: ")).toList();
            assertThat(ready).hasSize(1);
            assertThat(ready.get(0)).contains("smtp 127.0.0.1:" + ports.smtp(), "smtp 127.0.0.1:" + ports.submission(),
                "smtps 127.0.0.1:" + ports.smtps(), "pop3 127.0.0.1:" + ports.pop3(), "pop3s 127.0.0.1:" + ports.pop3s(), "webadmin port ");
        } finally {
            postern.destroy();
            if (!postern.waitFor(60, TimeUnit.SECONDS)) {
                postern.destroyForcibly().waitFor();
            }
        }
    }

    /** Connects again and again from process start; the first connection that is accepted. */
    private static SmtpClient firstConnection(Process postern, int port, Path log) throws Exception {
        Instant deadline = Instant.now().plusSeconds(120);
        while (Instant.now().isBefore(deadline)) {
            if (!postern.isAlive()) {
                throw new IllegalStateException("Postern exited: " + Files.readString(log));
            }
            try {
                return new SmtpClient(Ports.HOST, port);
            } catch (java.net.ConnectException closed) {
                Thread.sleep(5);
            }
        }
        throw new IllegalStateException("the SMTP port never opened: " + Files.readString(log));
    }
}
