package org.postern.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.james.core.MailAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.dns.MxHost;
import org.postern.routing.Route;
import org.postern.routing.TransportTable;
import org.postern.testing.MutableClock;
import org.postern.testing.ScriptedSmtpPeer;

/** Callouts over real sockets to a scripted SMTP peer on loopback. */
class CalloutVerifierTest {
    static final CalloutSettings SETTINGS = new CalloutSettings(Duration.ofHours(1), Duration.ofMinutes(10), Duration.ofSeconds(2));

    final MutableClock clock = new MutableClock();
    final List<AutoCloseable> closeMe = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeMe) {
            c.close();
        }
    }

    ScriptedSmtpPeer peer(String address) throws Exception {
        ScriptedSmtpPeer peer = ScriptedSmtpPeer.start(address, 0);
        closeMe.add(peer);
        return peer;
    }

    CalloutVerifier verifier(int port, String... hostAddresses) throws Exception {
        List<MxHost> hosts = new ArrayList<>();
        for (String address : hostAddresses) {
            hosts.add(new MxHost("mx-" + address + ".test", 10, List.of(InetAddress.getByName(address))));
        }
        Route route = new Route("partner.test", TransportTable.Entry.DEFAULT, new Route.Deliver(hosts, port));
        return new CalloutVerifier(SETTINGS, domain -> CompletableFuture.completedFuture(route),
            new SmtpProbe("gw.test", SETTINGS.timeout()), clock);
    }

    @Test
    void thePeersAnswerShouldDecideAndBeCachedForItsTime() throws Exception {
        ScriptedSmtpPeer peer = peer("127.0.0.61")
            .on("RCPT", "alice@partner.test", "250 2.1.5 OK")
            .on("RCPT", "nobody@partner.test", "550 5.1.1 <nobody@partner.test>: user unknown")
            .on("RCPT", "busy@partner.test", "450 4.2.1 mailbox busy");
        CalloutVerifier callout = verifier(peer.port(), "127.0.0.61");

        assertThat(callout.verify(new MailAddress("alice@partner.test"))).isInstanceOf(CalloutAnswer.Exists.class);
        assertThat(callout.verify(new MailAddress("nobody@partner.test"))).isInstanceOfSatisfying(CalloutAnswer.Unknown.class,
            unknown -> assertThat(unknown.reply()).contains("550 5.1.1 <nobody@partner.test>: user unknown"));
        assertThat(callout.verify(new MailAddress("busy@partner.test"))).isInstanceOfSatisfying(CalloutAnswer.TryLater.class,
            later -> assertThat(later.status()).isEqualTo("4.1.1"));

        callout.verify(new MailAddress("Alice@Partner.test"));
        callout.verify(new MailAddress("nobody@partner.test"));
        callout.verify(new MailAddress("busy@partner.test"));
        assertThat(peer.count("RCPT", "alice@partner.test")).isEqualTo(1);
        assertThat(peer.count("RCPT", "nobody@partner.test")).isEqualTo(1);
        assertThat(peer.count("RCPT", "busy@partner.test")).as("a temporary answer is not cached").isEqualTo(2);
        // four probes: alice, nobody, busy, and busy again
        assertThat(peer.count("EHLO", "gw.test")).isEqualTo(4);
        assertThat(peer.count("MAIL", "FROM:<>")).isEqualTo(4);
        assertThat(peer.count("RSET", "")).isEqualTo(4);
        assertThat(peer.count("QUIT", "")).isEqualTo(4);

        clock.advance(Duration.ofMinutes(11));
        callout.verify(new MailAddress("alice@partner.test"));
        callout.verify(new MailAddress("nobody@partner.test"));
        assertThat(peer.count("RCPT", "alice@partner.test")).as("positive answers live 1h").isEqualTo(1);
        assertThat(peer.count("RCPT", "nobody@partner.test")).as("negative answers live 10m").isEqualTo(2);

        clock.advance(Duration.ofMinutes(50));
        callout.verify(new MailAddress("alice@partner.test"));
        assertThat(peer.count("RCPT", "alice@partner.test")).isEqualTo(2);
    }

    @Test
    void aHostThatRefusesConnectionsShouldBeSkippedForTheNext() throws Exception {
        ScriptedSmtpPeer second = peer("127.0.0.63");
        int port = second.port();
        assertThat(isFree("127.0.0.62", port)).isTrue();
        CalloutVerifier callout = verifier(port, "127.0.0.62", "127.0.0.63");

        assertThat(callout.verify(new MailAddress("alice@partner.test"))).isInstanceOf(CalloutAnswer.Exists.class);
        assertThat(second.count("RCPT", "alice@partner.test")).isEqualTo(1);
    }

    @Test
    void whenNoHostCanBeAskedTheAnswerShouldBeTryLaterWith441() throws Exception {
        ScriptedSmtpPeer dropping = peer("127.0.0.64").on("RCPT", "", ScriptedSmtpPeer.DROP);
        CalloutVerifier refused = verifier(freePort("127.0.0.65"), "127.0.0.65");
        CalloutVerifier dropped = verifier(dropping.port(), "127.0.0.64");

        assertThat(refused.verify(new MailAddress("alice@partner.test"))).isInstanceOfSatisfying(CalloutAnswer.TryLater.class,
            later -> assertThat(later.status()).isEqualTo("4.4.1"));
        assertThat(dropped.verify(new MailAddress("alice@partner.test"))).isInstanceOfSatisfying(CalloutAnswer.TryLater.class,
            later -> assertThat(later.status()).isEqualTo("4.4.2"));
    }

    @Test
    void sessionsAskingAboutTheSameAddressAtOnceShouldShareOneProbe() throws Exception {
        ScriptedSmtpPeer peer = peer("127.0.0.66");
        CalloutVerifier callout = verifier(peer.port(), "127.0.0.66");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<CalloutAnswer>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> callout.verify(new MailAddress("carol@partner.test"))));
            }
            for (Future<CalloutAnswer> answer : answers) {
                assertThat(answer.get(10, TimeUnit.SECONDS)).isInstanceOf(CalloutAnswer.Exists.class);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(peer.count("RCPT", "carol@partner.test")).isEqualTo(1);
        assertThat(callout.probes()).isEqualTo(1);
    }

    static int freePort(String address) throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return socket.getLocalPort();
        }
    }

    static boolean isFree(String address, int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(address))) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
