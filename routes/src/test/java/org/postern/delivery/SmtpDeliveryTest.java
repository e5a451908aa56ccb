package org.postern.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.mailet.DsnParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postern.delivery.tls.TransportSecurity;
import org.postern.dsn.DsnRequest;
import org.postern.routing.NextHop;
import org.postern.routing.RouteOptions;
import org.postern.smtp.client.Credentials;
import org.postern.smtp.client.Protocol;
import org.postern.smtp.client.SmtpTimeouts;
import org.postern.smtp.client.Target;
import org.postern.smtp.client.TlsLevel;
import org.postern.smtp.client.TrustStores;
import org.postern.testing.ScriptedSmtpPeer;

/** One attempt against scripted SMTP peers on loopback sockets: host order, per-recipient outcomes, reuse. */
class SmtpDeliveryTest {
    static final byte[] MESSAGE = ("Received: from client.test by postern.test; Mon, 30 Nov 2026 01:00:00 +0000\r\n"
        + "Subject: hello\r\nFrom: a@example.test\r\n\r\n.leading dot\r\nbody \u00e9\r\n..two dots\r\n").getBytes(StandardCharsets.ISO_8859_1);

    private final List<ScriptedSmtpPeer> peers = new ArrayList<>();
    private ConnectionCache cache;
    private SmtpDelivery delivery;

    @org.junit.jupiter.api.io.TempDir
    static java.nio.file.Path keys;

    @BeforeEach
    void setUp() {
        setUp(Map.of());
    }

    private void setUp(Map<String, TlsLevel> tlsByNextHop) {
        setUp(tlsByNextHop, 4);
    }

    private void setUp(Map<String, TlsLevel> tlsByNextHop, int perDestination) {
        if (cache != null) {
            cache.close();
        }
        DeliverySettings defaults = DeliverySettings.defaults();
        DeliverySettings settings = new DeliverySettings(defaults.queue(), 4, "postern.test", defaults.retry(),
            SmtpTimeouts.all(Duration.ofSeconds(2)),
            new DeliverySettings.CacheLimits(Duration.ofSeconds(5), 100, Duration.ofSeconds(60)), perDestination,
            TlsSettings.of(TlsLevel.MAY, tlsByNextHop), 50);
        cache = new ConnectionCache(settings.connectionCache());
        try {
            delivery = new SmtpDelivery(settings, cache, LedgerRecorder.NONE,
                TransportSecurity.levelsOnly(settings.tls(), TrustStores.jvmDefault()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, RecipientOutcome> deliver(Envelope envelope, byte[] message, List<Target> targets) throws InterruptedException {
        return delivery.deliver(envelope, message, DeliveryRoute.smtp(NextHop.parse(envelope.nextHop()), targets));
    }

    @AfterEach
    void tearDown() {
        cache.close();
        peers.forEach(ScriptedSmtpPeer::close);
    }

    private ScriptedSmtpPeer peer(int host) throws Exception {
        ScriptedSmtpPeer peer = ScriptedSmtpPeer.start("127.0.26." + host, 0);
        peers.add(peer);
        return peer;
    }

    private static Target target(ScriptedSmtpPeer peer) throws Exception {
        return new Target("mx" + peer.host().substring(peer.host().lastIndexOf('.') + 1) + ".dest.test",
            InetAddress.getByName(peer.host()), peer.port());
    }

    private static Target refusing(String address) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            port = socket.getLocalPort();
        }
        return new Target("down.dest.test", InetAddress.getByName(address), port);
    }

    private static Envelope envelope(String... recipients) {
        return new Envelope("Mail1", "sender@example.test", List.of(recipients), "mx:dest.test", Instant.now());
    }

    @Test
    void allRecipientsShouldTravelInOneTransactionWithTheBytesUnchanged() throws Exception {
        ScriptedSmtpPeer mx = peer(1);

        Map<String, RecipientOutcome> outcome = deliver(envelope("a@dest.test", "b@dest.test"), MESSAGE, List.of(target(mx)));

        assertThat(outcome.values()).extracting(RecipientOutcome::status).containsOnly(RecipientOutcome.Status.DELIVERED);
        assertThat(outcome.get("a@dest.test").reply().text()).contains("queued as Q1");
        ScriptedSmtpPeer.Message received = mx.awaitMessages(1, Duration.ofSeconds(5)).get(0);
        assertThat(received.recipients()).containsExactly("a@dest.test", "b@dest.test");
        assertThat(received.data()).isEqualTo(MESSAGE);
        assertThat(mx.commands()).anyMatch(command -> command.contains("MAIL FROM:<sender@example.test> SIZE=" + MESSAGE.length + " BODY=8BITMIME"));
    }

    @Test
    void theDsnRequestShouldGoOnOnlyToAHostThatAnnouncesDsn() throws Exception {
        DsnRequest dsn = new DsnRequest(Optional.of("id+2B1"), Optional.of(DsnParameters.Ret.HDRS), Map.of(
            "a@dest.test", new DsnRequest.Recipient(Optional.of(EnumSet.of(DsnParameters.Notify.SUCCESS, DsnParameters.Notify.FAILURE)),
                Optional.of("first+last@orig.test"))));
        Envelope envelope = new Envelope("Mail1", "sender@example.test", List.of("a@dest.test", "b@dest.test"), "mx:dest.test",
            Instant.now(), dsn);
        ScriptedSmtpPeer withDsn = peer(4).extensions("PIPELINING", "DSN");
        ScriptedSmtpPeer without = peer(5);

        Map<String, RecipientOutcome> first = deliver(envelope, MESSAGE, List.of(target(withDsn)));
        Map<String, RecipientOutcome> second = deliver(envelope, MESSAGE, List.of(target(without)));

        assertThat(withDsn.commands()).anyMatch(command -> command.endsWith("MAIL FROM:<sender@example.test> RET=HDRS ENVID=id+2B1"))
            .anyMatch(command -> command.endsWith("RCPT TO:<a@dest.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;first+2Blast@orig.test"))
            .anyMatch(command -> command.endsWith("RCPT TO:<b@dest.test>"));
        assertThat(first.get("a@dest.test").hostOffersDsn()).isTrue();
        assertThat(without.commands()).noneMatch(command -> command.contains("NOTIFY=") || command.contains("RET=") || command.contains("ORCPT="));
        assertThat(second.get("a@dest.test").hostOffersDsn()).isFalse();
        assertThat(second.get("a@dest.test").status()).isEqualTo(RecipientOutcome.Status.DELIVERED);
    }

    @Test
    void aRefusedConnectionShouldMoveOnToTheNextHost() throws Exception {
        ScriptedSmtpPeer second = peer(2);

        Map<String, RecipientOutcome> outcome = deliver(envelope("a@dest.test"), MESSAGE,
            List.of(refusing("127.0.26.3"), target(second)));

        assertThat(outcome.get("a@dest.test").status()).isEqualTo(RecipientOutcome.Status.DELIVERED);
        assertThat(outcome.get("a@dest.test").host()).isEqualTo(target(second));
        assertThat(second.messages()).hasSize(1);
    }

    @Test
    void a421GreetingShouldMoveOnToTheNextHost() throws Exception {
        ScriptedSmtpPeer first = peer(4).on("CONNECT", "", "421 4.3.2 busy, come back later");
        ScriptedSmtpPeer second = peer(5);

        Map<String, RecipientOutcome> outcome = deliver(envelope("a@dest.test"), MESSAGE, List.of(target(first), target(second)));

        assertThat(outcome.get("a@dest.test").status()).isEqualTo(RecipientOutcome.Status.DELIVERED);
        assertThat(first.connections()).isEqualTo(1);
        assertThat(first.messages()).isEmpty();
        assertThat(second.messages()).hasSize(1);
    }

    @Test
    void eachRecipientShouldGetItsOwnOutcomeInOneTransaction() throws Exception {
        ScriptedSmtpPeer mx = peer(6).on("RCPT", "bad@", "550 5.1.1 <bad@dest.test>: no such user")
            .on("RCPT", "soft@", "450 4.2.1 mailbox busy");

        Map<String, RecipientOutcome> outcome = deliver(envelope("ok@dest.test", "bad@dest.test", "soft@dest.test"),
            MESSAGE, List.of(target(mx)));

        assertThat(outcome.get("ok@dest.test").status()).isEqualTo(RecipientOutcome.Status.DELIVERED);
        assertThat(outcome.get("bad@dest.test").status()).isEqualTo(RecipientOutcome.Status.FAILED);
        assertThat(outcome.get("bad@dest.test").reply().enhanced()).isEqualTo("5.1.1");
        assertThat(outcome.get("soft@dest.test").status()).isEqualTo(RecipientOutcome.Status.DEFERRED);
        assertThat(outcome.get("soft@dest.test").reply().code()).isEqualTo(450);
        assertThat(mx.messages()).singleElement().satisfies(message -> assertThat(message.recipients()).containsExactly("ok@dest.test"));
        assertThat(mx.connections()).isEqualTo(1);
    }

    @Test
    void aTemporaryRecipientFailureShouldBeTriedAtTheNextHost() throws Exception {
        ScriptedSmtpPeer first = peer(7).on("RCPT", "soft@", "451 4.3.0 try another");
        ScriptedSmtpPeer second = peer(8);

        Map<String, RecipientOutcome> outcome = deliver(envelope("ok@dest.test", "soft@dest.test"), MESSAGE,
            List.of(target(first), target(second)));

        assertThat(outcome.values()).extracting(RecipientOutcome::status).containsOnly(RecipientOutcome.Status.DELIVERED);
        assertThat(first.messages()).singleElement().satisfies(message -> assertThat(message.recipients()).containsExactly("ok@dest.test"));
        assertThat(second.messages()).singleElement().satisfies(message -> assertThat(message.recipients()).containsExactly("soft@dest.test"));
    }

    @Test
    void consecutiveMessagesToOneHostShouldShareOneConnection() throws Exception {
        ScriptedSmtpPeer mx = peer(9);

        for (int i = 0; i < 5; i++) {
            assertThat(deliver(envelope("a" + i + "@dest.test"), MESSAGE, List.of(target(mx))).values())
                .extracting(RecipientOutcome::status).containsOnly(RecipientOutcome.Status.DELIVERED);
        }

        assertThat(mx.messages()).hasSize(5);
        assertThat(mx.connections()).isEqualTo(1);
    }

    @Test
    void aStallingHostShouldTimeOutAndDefer() throws Exception {
        ScriptedSmtpPeer mx = peer(10).on("DATA", "", ScriptedSmtpPeer.STALL);
        Instant start = Instant.now();

        Map<String, RecipientOutcome> outcome = deliver(envelope("a@dest.test"), MESSAGE, List.of(target(mx)));

        assertThat(outcome.get("a@dest.test").status()).isEqualTo(RecipientOutcome.Status.DEFERRED);
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(15));
        assertThat(mx.messages()).isEmpty();
    }

    @Test
    void aDroppedConnectionAtTheEndOfDataShouldDefer() throws Exception {
        ScriptedSmtpPeer mx = peer(11).on("DOT", "", ScriptedSmtpPeer.DROP);

        Map<String, RecipientOutcome> outcome = deliver(envelope("a@dest.test"), MESSAGE, List.of(target(mx)));

        assertThat(outcome.get("a@dest.test").status()).isEqualTo(RecipientOutcome.Status.DEFERRED);
        assertThat(outcome.get("a@dest.test").reply().enhanced()).isEqualTo("4.4.2");
    }

    @Test
    void aRefusedSenderShouldFailEveryRecipient() throws Exception {
        ScriptedSmtpPeer mx = peer(12).on("MAIL", "", "553 5.7.1 sender rejected");

        Map<String, RecipientOutcome> outcome = deliver(envelope("a@dest.test", "b@dest.test"), MESSAGE, List.of(target(mx)));

        assertThat(outcome.values()).extracting(RecipientOutcome::status).containsOnly(RecipientOutcome.Status.FAILED);
    }

    @Test
    void withoutPipeliningOrEhloTheSessionShouldFallBackToHelo() throws Exception {
        ScriptedSmtpPeer mx = peer(13).on("EHLO", "", "502 5.5.2 what?");

        Map<String, RecipientOutcome> outcome = deliver(envelope("a@dest.test"), MESSAGE, List.of(target(mx)));

        assertThat(outcome.get("a@dest.test").status()).isEqualTo(RecipientOutcome.Status.DELIVERED);
        assertThat(mx.commands()).anyMatch(command -> command.endsWith("HELO postern.test"));
        assertThat(mx.commands()).anyMatch(command -> command.endsWith("MAIL FROM:<sender@example.test>"));
    }

    @Test
    void aMessageLargerThanTheServersSizeShouldFailWithoutSendingIt() throws Exception {
        ScriptedSmtpPeer mx = peer(14).extensions("PIPELINING", "SIZE 20");

        Map<String, RecipientOutcome> outcome = deliver(envelope("a@dest.test"), MESSAGE, List.of(target(mx)));

        assertThat(outcome.get("a@dest.test").status()).isEqualTo(RecipientOutcome.Status.FAILED);
        assertThat(outcome.get("a@dest.test").reply().enhanced()).isEqualTo("5.3.4");
        assertThat(mx.commands()).noneMatch(command -> command.contains("MAIL FROM"));
    }

    @Test
    void mayShouldStartTlsWhenOfferedWithoutCheckingTheCertificate() throws Exception {
        ScriptedSmtpPeer mx = peer(15).tls(ScriptedSmtpPeer.selfSignedContext("mx15.dest.test", keys));

        Map<String, RecipientOutcome> outcome = deliver(envelope("a@dest.test"), MESSAGE, List.of(target(mx)));

        assertThat(outcome.get("a@dest.test").status()).isEqualTo(RecipientOutcome.Status.DELIVERED);
        assertThat(mx.tlsConnections()).containsExactly(1);
        assertThat(mx.messages()).singleElement().satisfies(message -> assertThat(message.data()).isEqualTo(MESSAGE));
    }

    @Test
    void encryptShouldRefuseACertificateThatCannotBeVerified() throws Exception {
        setUp(Map.of("mx:dest.test", TlsLevel.VERIFY));
        ScriptedSmtpPeer mx = peer(16).tls(ScriptedSmtpPeer.selfSignedContext("mx16.dest.test", keys));

        Map<String, RecipientOutcome> outcome = deliver(envelope("a@dest.test"), MESSAGE, List.of(target(mx)));

        assertThat(outcome.get("a@dest.test").status()).isEqualTo(RecipientOutcome.Status.DEFERRED);
        assertThat(outcome.get("a@dest.test").reply().enhanced()).isEqualTo("4.7.5");
        assertThat(mx.messages()).isEmpty();
    }

    @Test
    void encryptShouldNotSendInClearWhenStartTlsIsNotOffered() throws Exception {
        setUp(Map.of("mx:dest.test", TlsLevel.VERIFY));
        ScriptedSmtpPeer mx = peer(17);

        Map<String, RecipientOutcome> outcome = deliver(envelope("a@dest.test"), MESSAGE, List.of(target(mx)));

        assertThat(outcome.get("a@dest.test").status()).isEqualTo(RecipientOutcome.Status.DEFERRED);
        assertThat(outcome.get("a@dest.test").reply().enhanced()).isEqualTo("4.7.5");
        assertThat(mx.commands()).noneMatch(command -> command.contains("MAIL FROM"));
    }

    @Test
    void noneShouldNeverStartTls() throws Exception {
        setUp(Map.of("mx:dest.test", TlsLevel.NONE));
        ScriptedSmtpPeer mx = peer(18).tls(ScriptedSmtpPeer.selfSignedContext("mx18.dest.test", keys));

        Map<String, RecipientOutcome> outcome = deliver(envelope("a@dest.test"), MESSAGE, List.of(target(mx)));

        assertThat(outcome.get("a@dest.test").status()).isEqualTo(RecipientOutcome.Status.DELIVERED);
        assertThat(mx.tlsConnections()).isEmpty();
    }

    @Test
    void aCachedSessionClosedByTheServerShouldBeReplacedByAFreshOne() throws Exception {
        ScriptedSmtpPeer mx = peer(19);
        deliver(envelope("first@dest.test"), MESSAGE, List.of(target(mx)));
        mx.on("MAIL", "", ScriptedSmtpPeer.DROP, 1);
        Map<String, RecipientOutcome> outcome = deliver(envelope("second@dest.test"), MESSAGE, List.of(target(mx)));

        assertThat(outcome.get("second@dest.test").status()).isEqualTo(RecipientOutcome.Status.DELIVERED);
        assertThat(mx.connections()).isEqualTo(2);
        assertThat(mx.messages()).hasSize(2);
    }

    @Test
    void aCachedSessionLostAfterTheServerAnsweredShouldDeferRatherThanSendAgain() throws Exception {
        ScriptedSmtpPeer mx = peer(20);
        deliver(envelope("first@dest.test"), MESSAGE, List.of(target(mx)));
        mx.on("DOT", "", ScriptedSmtpPeer.DROP, 1);

        Map<String, RecipientOutcome> outcome = deliver(envelope("second@dest.test"), MESSAGE, List.of(target(mx)));

        assertThat(outcome.get("second@dest.test").status()).isEqualTo(RecipientOutcome.Status.DEFERRED);
        assertThat(mx.connections()).isEqualTo(1);
    }

    @Test
    void aHostThatStopsReadingTheDataShouldTimeOutAndDefer() throws Exception {
        ScriptedSmtpPeer mx = peer(21).extensions("PIPELINING").on("DATA", "", ScriptedSmtpPeer.STALL_READING);
        byte[] big = new byte[32 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'x');
        for (int i = 998; i < big.length; i += 1000) {
            big[i] = '\r';
            big[i + 1] = '\n';
        }
        Instant start = Instant.now();

        Map<String, RecipientOutcome> outcome = deliver(envelope("a@dest.test"), big, List.of(target(mx)));

        assertThat(outcome.get("a@dest.test").status()).isEqualTo(RecipientOutcome.Status.DEFERRED);
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void noMoreAttemptsThanTheLimitShouldRunAtOnceForOneNextHop() throws Exception {
        setUp(Map.of(), 2);
        ScriptedSmtpPeer mx = peer(22).slowDataEnd(Duration.ofMillis(300));
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<Map<String, RecipientOutcome>>> attempts = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String recipient = "p" + i + "@dest.test";
                attempts.add(threads.submit(() -> deliver(envelope(recipient), MESSAGE, List.of(target(mx)))));
            }
            for (var attempt : attempts) {
                assertThat(attempt.get(30, java.util.concurrent.TimeUnit.SECONDS).values()).extracting(RecipientOutcome::status)
                    .containsOnly(RecipientOutcome.Status.DELIVERED);
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(mx.messages()).hasSize(6);
        assertThat(mx.maxConcurrentTransactions()).isEqualTo(2);
    }

    @Test
    void refusedSmarthostCredentialsShouldFailEveryRecipientWithoutTryingAnotherHost() throws Exception {
        javax.net.ssl.SSLContext tls = org.postern.testing.TestCa.selfSigned("smtp.isp.test").serverContext();
        ScriptedSmtpPeer first = peer(23).tls(tls).auth("gw", "right");
        ScriptedSmtpPeer second = peer(24).tls(tls).auth("gw", "right");
        RouteOptions credentials = new RouteOptions(Optional.of(TlsLevel.ENCRYPT), List.of(),
            Optional.of(new Credentials("gw", "wrong")), Optional.empty());

        Map<String, RecipientOutcome> outcome = delivery.deliver(envelope("a@dest.test", "b@dest.test"), MESSAGE,
            DeliveryRoute.smtp(NextHop.parse("smtp:smtp.isp.test:25"), List.of(target(first), target(second))).withOptions(credentials));

        assertThat(outcome.values()).extracting(RecipientOutcome::status).containsOnly(RecipientOutcome.Status.FAILED);
        assertThat(outcome.get("a@dest.test").reply().code()).isEqualTo(535);
        assertThat(second.connections()).isZero();
    }

    @Test
    void theRoutesCredentialsShouldAuthenticateTheSession() throws Exception {
        ScriptedSmtpPeer smarthost = peer(25).tls(org.postern.testing.TestCa.selfSigned("smtp.isp.test").serverContext()).auth("gw", "right");
        RouteOptions credentials = new RouteOptions(Optional.of(TlsLevel.ENCRYPT), List.of(),
            Optional.of(new Credentials("gw", "right")), Optional.of(InetAddress.getByName("127.0.0.7")));

        Map<String, RecipientOutcome> outcome = delivery.deliver(envelope("a@dest.test"), MESSAGE,
            DeliveryRoute.smtp(NextHop.parse("smtp:[smtp.isp.test]:25"), List.of(target(smarthost))).withOptions(credentials));

        assertThat(outcome.get("a@dest.test").status()).isEqualTo(RecipientOutcome.Status.DELIVERED);
        assertThat(smarthost.authentications()).containsExactly("1 gw");
        assertThat(smarthost.remoteAddresses()).containsExactly("127.0.0.7");
    }

    @Test
    void anLmtpNextHopShouldDecideEachRecipientByItsReplyAfterTheData() throws Exception {
        ScriptedSmtpPeer store = peer(26).lmtp().extensions("PIPELINING").on("DOT", "gone@", "550 5.1.1 <gone@dest.test> no such mailbox")
            .on("DOT", "full@", "452 4.2.2 <full@dest.test> over quota");

        Map<String, RecipientOutcome> outcome = delivery.deliver(envelope("ok@dest.test", "gone@dest.test", "full@dest.test"), MESSAGE,
            new DeliveryRoute(NextHop.parse("lmtp:[store.dest.test]:24"), List.of(target(store)), Protocol.LMTP, RouteOptions.NONE, Optional.empty()));

        assertThat(outcome.get("ok@dest.test").status()).isEqualTo(RecipientOutcome.Status.DELIVERED);
        assertThat(outcome.get("gone@dest.test").status()).isEqualTo(RecipientOutcome.Status.FAILED);
        assertThat(outcome.get("full@dest.test").status()).isEqualTo(RecipientOutcome.Status.DEFERRED);
        assertThat(store.messages()).singleElement().satisfies(message -> assertThat(message.recipients()).containsExactly("ok@dest.test"));
    }

    @Test
    void aNonAsciiRecipientShouldFailWith567AtAHostWithoutSmtpUtf8InsteadOfGoingOutAsRawBytes() throws Exception {
        ScriptedSmtpPeer mx = peer(27);

        Map<String, RecipientOutcome> outcome = deliver(envelope("j\u00f6rg@dest.test", "ok@dest.test"), MESSAGE, List.of(target(mx)));

        assertThat(outcome.get("j\u00f6rg@dest.test").status()).isEqualTo(RecipientOutcome.Status.FAILED);
        assertThat(outcome.get("j\u00f6rg@dest.test").reply().enhanced()).isEqualTo("5.6.7");
        assertThat(outcome.get("ok@dest.test").status()).isEqualTo(RecipientOutcome.Status.DELIVERED);
        assertThat(mx.commands()).noneMatch(command -> command.contains("j\u00f6rg")).noneMatch(command -> command.contains("SMTPUTF8"));
    }
}
