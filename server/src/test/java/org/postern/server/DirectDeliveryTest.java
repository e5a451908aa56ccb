package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.testing.ScriptedSmtpPeer;

/**
 * The relay processor's hand-off attempts a routed mail at once, from the spool, when its next hop can take it: the
 * hand-off here writes to a queue nothing reads ("parked"), so a delivered mail proves that it never needed it. A
 * mail for a next hop that is failing, or busy with as many deliveries as it may have, is parked instead.
 */
class DirectDeliveryTest {
    static final String SENDER = "sender@example.test";

    @TempDir
    static Path work;
    static ScriptedSmtpPeer fast;
    static ScriptedSmtpPeer slow;
    static InJvmPostern postern;

    @BeforeAll
    static void start() throws Exception {
        fast = ScriptedSmtpPeer.start("127.0.0.81", 0);
        slow = ScriptedSmtpPeer.start("127.0.0.82", 0).slowDataEnd(Duration.ofSeconds(4));
        Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
        Files.writeString(conf.resolve("mailetcontainer.xml"), Files.readString(conf.resolve("mailetcontainer.xml"))
            .replace("class=\"org.postern.queue.HandOffToOutbound\">", "class=\"org.postern.queue.HandOffToOutbound\"><queue>parked</queue>"));
        Files.writeString(conf.resolve("transport.xml"), "<transport>"
            + "<route domain='fast.test' action='smtp:[127.0.0.81]:" + fast.port() + "'/>"
            + "<route domain='slow.test' action='smtp:[127.0.0.82]:" + slow.port() + "'/>"
            + "<route domain='down.test' action='smtp:[127.0.0.83]:" + closedPort("127.0.0.83") + "'/>"
            + "</transport>");
        Files.writeString(conf.resolve("delivery.xml"), "<delivery><concurrencyPerDestination>1</concurrencyPerDestination>"
            + "<retry><first>1h</first></retry><timeouts><connect>2s</connect></timeouts></delivery>");
        postern = InJvmPostern.start(conf, work.resolve("data")).withUser("example.test", SENDER, "pw");
    }

    @AfterAll
    static void stop() {
        postern.close();
        fast.close();
        slow.close();
    }

    static int closedPort(String address) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return socket.getLocalPort();
        }
    }

    static void send(String recipient, String subject) throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
            smtp.ehlo();
            assertThat(smtp.sendMail(SENDER, List.of(recipient), ("Subject: " + subject + "\r\n\r\nhello\r\n")
                .getBytes(StandardCharsets.US_ASCII))).startsWith("250 2.6.0");
        }
    }

    static long queueSize(String queue) throws Exception {
        WebAdminClient.Answer answer = WebAdminClient.get(postern.ports().webAdmin(), "/mailQueues/" + queue);
        if (answer.status() == 404) {
            return 0;
        }
        return Long.parseLong(answer.body().replaceAll(".*\"size\":(\\d+).*", "$1"));
    }

    @Test
    void aMailForANextHopThatCanTakeItShouldBeDeliveredStraightFromTheSpool() throws Exception {
        long parked = queueSize("parked");

        send("a@fast.test", "straight");

        assertThat(fast.awaitMessages(1, Duration.ofSeconds(20)).get(0).text()).contains("Subject: straight");
        assertThat(queueSize("parked")).isEqualTo(parked);
    }

    @Test
    void aMailForAFailingNextHopShouldWaitInTheQueue() throws Exception {
        long parked = queueSize("parked");
        send("a@down.test", "first to a dead host");
        await().atMost(Duration.ofSeconds(20)).until(() -> queueSize("outbound") == 1);

        send("b@down.test", "second to a dead host");

        await().atMost(Duration.ofSeconds(20)).until(() -> queueSize("parked") == parked + 1);
        assertThat(queueSize("outbound")).as("only the first was attempted, and deferred").isEqualTo(1);
    }

    @Test
    void aMailForABusyNextHopShouldWaitInTheQueue() throws Exception {
        long parked = queueSize("parked");
        send("a@slow.test", "holds the only slot");
        await().atMost(Duration.ofSeconds(20)).until(() -> slow.commands().stream().anyMatch(command -> command.endsWith(" DATA")));

        send("b@slow.test", "finds it busy");

        await().atMost(Duration.ofSeconds(20)).until(() -> queueSize("parked") == parked + 1);
        assertThat(slow.awaitMessages(1, Duration.ofSeconds(20))).hasSize(1);
    }
}
