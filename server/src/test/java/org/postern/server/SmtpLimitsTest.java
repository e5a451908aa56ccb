package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resource limits of the SMTP listeners that hold, on the shipped smtpserver.xml with short values: the idle
 * timeout and the whole-transaction limit answer 421 4.4.2 and close; the per-client and total connection limits
 * greet 421 4.7.0 instead of 220, trusted networks being exempt from the per-client one.
 */
class SmtpLimitsTest {
    static final String USER = "frank@example.test";
    static final Duration IDLE = Duration.ofSeconds(2);
    static final Duration TRANSACTION = Duration.ofSeconds(5);

    @TempDir
    static Path work;
    static InJvmPostern postern;

    @BeforeAll
    static void start() throws Exception {
        Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
        Path smtpserver = conf.resolve("smtpserver.xml");
        String shipped = Files.readString(smtpserver);
        String limited = shipped.replace("<idleTimeout>5m</idleTimeout>", "<idleTimeout>2s</idleTimeout>")
            .replace("<transactionTimeout>10m</transactionTimeout>", "<transactionTimeout>5s</transactionTimeout>")
            .replace("<maxConnections>500</maxConnections>", "<maxConnections>6</maxConnections>")
            .replace("<maxConnectionsPerClient>50</maxConnectionsPerClient>", "<maxConnectionsPerClient>3</maxConnectionsPerClient>");
        assertThat(limited).as("the shipped limits were found and shortened").doesNotContain("<idleTimeout>5m<", "<maxConnections>500<");
        Files.writeString(smtpserver, limited);
        postern = InJvmPostern.start(conf, work.resolve("data")).withUser("example.test", USER, "pw");
    }

    @AfterAll
    static void stop() {
        postern.close();
    }

    @Test
    void idleSessionShouldGet421442AtTheConfiguredTime() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp(), "127.0.0.2")) {
            smtp.ehlo();
            long start = System.nanoTime();

            List<String> reply = smtp.readReply();

            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertThat(reply.get(0)).startsWith("421 4.4.2");
            assertThat(waited).isBetween(IDLE.minusMillis(300), IDLE.plusSeconds(2));
            assertThatThrownBy(smtp::readReply).isInstanceOf(IOException.class);
        }
    }

    @Test
    void clientTricklingDataShouldBeCutOffByTheTransactionLimit() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp(), "127.0.0.3")) {
            smtp.ehlo();
            smtp.sendExpect("MAIL FROM:<slow@elsewhere.test>", "250");
            long start = System.nanoTime();
            smtp.sendExpect("RCPT TO:<" + USER + ">", "250");
            smtp.sendExpect("DATA", "354");
            AtomicBoolean open = new AtomicBoolean(true);
            Thread trickle = new Thread(() -> {
                byte[] line = "x\r\n".getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; open.get() && i < 200; i++) {
                    try {
                        smtp.writeRaw(new byte[] {line[i % 3]});
                        Thread.sleep(250);
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            });
            trickle.start();

            List<String> reply = smtp.readReply();

            open.set(false);
            trickle.join();
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            assertThat(reply.get(0)).startsWith("421 4.4.2");
            assertThat(waited).isBetween(TRANSACTION.minusMillis(300), TRANSACTION.plusSeconds(2));
        }
    }

    @Test
    void connectionsBeyondTheLimitsShouldBeGreeted421470() throws Exception {
        List<SmtpClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(new SmtpClient(Ports.HOST, postern.ports().smtp(), "127.0.0.4"));
            }

            assertThat(greeting("127.0.0.4")).startsWith("421 4.7.0");
            for (int i = 0; i < 3; i++) {
                open.add(new SmtpClient(Ports.HOST, postern.ports().smtp()));  // trusted: only the total counts
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(greeting("127.0.0.5")).startsWith("421 4.7.0"));
        } finally {
            for (SmtpClient client : open) {
                client.close();
            }
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(greeting("127.0.0.4")).startsWith("220"));
    }

    /**
     * The first line the server says to a new connection from this address. A refused connection is read to its end
     * (the server closes it), then given a moment to leave the server's count.
     */
    private static String greeting(String from) throws Exception {
        try (LineDialogue dialogue = new LineDialogue(Ports.HOST, postern.ports().smtp(), from)) {
            String first = dialogue.readLine();
            if (first.startsWith("421")) {
                assertThatThrownBy(dialogue::readLine).isInstanceOf(IOException.class);
                Thread.sleep(300);
            }
            return first;
        }
    }
}
