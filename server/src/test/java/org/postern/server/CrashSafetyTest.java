package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 250 after DATA means the message is on disk: Postern is killed with SIGKILL right after answering 250, at
 * several points of the message's life (still in the spool, in the middle of local delivery), and after the
 * restart every accepted message is in the mailbox exactly once.
 */
class CrashSafetyTest {
    static final String USER = "frank@crash.test";
    static final String PASSWORD = "pw";
    private static final Pattern SUBJECT = Pattern.compile("Subject: (crash-[0-9-]+)");

    @TempDir
    Path work;

    @Test
    void aMessageKilledRightAfterItsAcceptanceShouldBeDeliveredOnceAfterRestart() throws Exception {
        List<String> accepted = crashAfterSending(1, 1);

        assertDeliveredExactlyOnce(accepted);
    }

    @Test
    void messagesKilledWhileTheSpoolIsBusyShouldEachBeDeliveredOnceAfterRestart() throws Exception {
        List<String> accepted = crashAfterSending(4, 40);

        assertDeliveredExactlyOnce(accepted);
    }

    private Ports ports;
    private Path conf;
    private Path data;

    /** Sends {@code perSession} messages on each of {@code sessions} connections, then SIGKILLs Postern at once. */
    private List<String> crashAfterSending(int sessions, int perSession) throws Exception {
        ports = Ports.free();
        conf = ChildPostern.loopbackConf(work.resolve("conf"), ports);
        data = work.resolve("data");
        List<String> accepted = Collections.synchronizedList(new ArrayList<>());
        ChildPostern postern = ChildPostern.start(conf, data, ports);
        postern.addUser(USER, PASSWORD);
        ExecutorService clients = Executors.newFixedThreadPool(sessions);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                int session = s;
                done.add(clients.submit(() -> {
                    try (SmtpClient smtp = new SmtpClient(Ports.HOST, ports.smtp())) {
                        smtp.ehlo();
                        for (int i = 0; i < perSession; i++) {
                            String subject = "crash-" + session + "-" + i;
                            byte[] message = ("Subject: " + subject + "\r\n\r\n" + "x".repeat(2000) + "\r\n")
                                .getBytes(StandardCharsets.US_ASCII);
                            if (smtp.sendMail("y@elsewhere.test", List.of(USER), message).startsWith("250")) {
                                accepted.add(subject);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            postern.kill();
            clients.shutdownNow();
        }
        assertThat(accepted).hasSize(sessions * perSession);
        return accepted;
    }

    private void assertDeliveredExactlyOnce(List<String> accepted) throws Exception {
        try (ChildPostern postern = ChildPostern.start(conf, data, ports)) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> subjectsInMailbox().size() >= accepted.size());
            // Give a duplicate, if there were one, the time to show up.
            Thread.sleep(2_000);

            Map<String, Long> delivered = subjectsInMailbox().stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));

            assertThat(delivered.keySet()).containsExactlyInAnyOrderElementsOf(accepted);
            assertThat(delivered).allSatisfy((subject, times) -> assertThat(times).as(subject).isEqualTo(1L));
        }
    }

    private List<String> subjectsInMailbox() throws Exception {
        try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, ports.pop3(), USER, PASSWORD)) {
            int count = pop3.count();
            List<String> subjects = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                Matcher matcher = SUBJECT.matcher(new String(pop3.message("TOP " + i + " 0"), StandardCharsets.US_ASCII));
                if (matcher.find()) {
                    subjects.add(matcher.group(1));
                }
            }
            return subjects;
        }
    }
}
