package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.testing.LoopbackDnsServer;
import org.postern.testing.ScriptedSmtpPeer;

/**
 * Postern is killed with SIGKILL while it delivers (the next hop has the data of a message and has not answered
 * yet); after the restart every accepted message reaches the next hop: the outbound queue gave back what was in
 * flight.
 */
class DeliveryCrashTest {
    @TempDir
    Path work;

    @Test
    void messagesInFlightWhenKilledShouldBeDeliveredAfterRestart() throws Exception {
        try (LoopbackDnsServer dns = LoopbackDnsServer.start();
             ScriptedSmtpPeer peer = ScriptedSmtpPeer.startOnPort(0, 100).on("DOT", "", ScriptedSmtpPeer.STALL, 1)) {
            dns.mx("crash.test", 10, "mx.crash.test", 300).a("mx.crash.test", peer.host(), 300);
            Ports ports = Ports.free();
            Path conf = ChildPostern.loopbackConf(work.resolve("conf"), ports);
            LoopbackNetwork.useDns(conf, dns);
            Files.writeString(conf.resolve("transport.xml"), LoopbackNetwork.transport(peer.port(), ""));
            Files.writeString(conf.resolve("delivery.xml"), "<delivery><timeouts><dataEnd>60s</dataEnd></timeouts></delivery>");
            Path data = work.resolve("data");
            List<String> accepted = new ArrayList<>();

            ChildPostern postern = ChildPostern.start(conf, data, ports);
            try (SmtpClient smtp = new SmtpClient(Ports.HOST, ports.smtp())) {
                smtp.ehlo();
                for (int i = 0; i < 5; i++) {
                    String subject = "inflight-" + i;
                    if (smtp.sendMail("sender@example.test", List.of("r" + i + "@crash.test"),
                        ("Subject: " + subject + "\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII)).startsWith("250")) {
                        accepted.add(subject);
                    }
                }
            }
            // in flight: the peer read a message's data and holds back its answer (DATA itself may be pipelined)
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> peer.dataRead() >= 1);
            postern.kill();
            int beforeRestart = peer.messages().size();

            try (ChildPostern restarted = ChildPostern.start(conf, data, ports)) {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> subjects(peer).containsAll(accepted));
            }

            assertThat(accepted).hasSize(5);
            assertThat(beforeRestart).as("the stalled message was not confirmed before the kill").isLessThan(5);
            assertThat(subjects(peer)).containsAll(accepted);
        }
    }

    private static Set<String> subjects(ScriptedSmtpPeer peer) {
        return peer.messages().stream().map(ScriptedSmtpPeer.Message::text)
            .map(text -> text.replaceAll("(?s).*Subject: (inflight-\\d).*", "$1")).collect(Collectors.toSet());
    }
}
