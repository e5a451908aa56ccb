package org.postern.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.dsn.DsnRequest;
import org.postern.testing.ScriptedSmtpPeer;
import org.postern.testing.TestCa;

/**
 * The SMTP client against scripted peers on loopback sockets, with real TLS (certificates from a test CA): AUTH,
 * the TLS levels' checks, the plaintext retry of {@code may}, CHUNKING, LMTP, SMTPUTF8, REQUIRETLS, the source
 * address.
 */
class SmtpSessionTest {
    static final SmtpTimeouts TIMEOUTS = SmtpTimeouts.all(Duration.ofSeconds(3));
    static TestCa ca;
    static X509TrustManager trustCa;

    @TempDir
    static Path keys;

    final List<ScriptedSmtpPeer> peers = new ArrayList<>();

    @BeforeAll
    static void makeCa() throws Exception {
        ca = TestCa.create("Postern Test CA");
        trustCa = TrustStores.fromFile(ca.writePem(keys.resolve("ca.pem")));
    }

    @AfterEach
    void stopPeers() {
        peers.forEach(ScriptedSmtpPeer::close);
    }

    private ScriptedSmtpPeer peer(int host) throws Exception {
        ScriptedSmtpPeer peer = ScriptedSmtpPeer.start("127.0.27." + host, 0);
        peers.add(peer);
        return peer;
    }

    private static Target target(ScriptedSmtpPeer peer, String name) throws Exception {
        return new Target(name, InetAddress.getByName(peer.host()), peer.port());
    }

    private static SessionOptions options(TlsPolicy tls) {
        return SessionOptions.smtp("postern.test", tls, TIMEOUTS);
    }

    private static SessionOptions withCredentials(TlsPolicy tls, String user, String password) {
        return new SessionOptions("postern.test", Protocol.SMTP, tls, Optional.of(new Credentials(user, password)), Optional.empty(), TIMEOUTS);
    }

    private static Map<String, SmtpReply> send(Target target, SessionOptions options, MailTransaction mail) throws Exception {
        try (SmtpSession session = SmtpSession.open(target, options)) {
            return session.send(mail);
        }
    }

    private static MailTransaction mail(String... recipients) {
        return new MailTransaction("sender@example.test", List.of(recipients), "Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    // ---- AUTH

    @Test
    void credentialsShouldBeSentWithAuthPlainOnlyAfterStartTls() throws Exception {
        ScriptedSmtpPeer smarthost = peer(1).tls(ca.issue("smtp.isp.test").serverContext()).auth("gw", "s3cret");

        Map<String, SmtpReply> replies = send(target(smarthost, "smtp.isp.test"),
            withCredentials(TlsPolicy.verified("secure", new PkixCheck(trustCa, List.of("isp.test", ".isp.test"))), "gw", "s3cret"),
            mail("a@dest.test"));

        assertThat(replies.get("a@dest.test").code()).isEqualTo(250);
        assertThat(smarthost.authentications()).containsExactly("1 gw");
        assertThat(smarthost.commands()).containsSubsequence("1 STARTTLS", "1 EHLO postern.test").anyMatch(line -> line.startsWith("1 AUTH PLAIN "));
        assertThat(smarthost.commands().indexOf("1 STARTTLS")).isLessThan(indexOf(smarthost.commands(), "1 AUTH"));
        assertThat(smarthost.messages()).hasSize(1);
    }

    @Test
    void authLoginShouldBeUsedWhenItIsTheOnlyMechanismOffered() throws Exception {
        ScriptedSmtpPeer smarthost = peer(2).tls(ca.issue("smtp.isp.test").serverContext()).auth("gw", "s3cret").authMechanisms("LOGIN");

        Map<String, SmtpReply> replies = send(target(smarthost, "smtp.isp.test"), withCredentials(TlsPolicy.encrypt("encrypt"), "gw", "s3cret"),
            mail("a@dest.test"));

        assertThat(replies.get("a@dest.test").code()).isEqualTo(250);
        assertThat(smarthost.commands()).contains("1 AUTH LOGIN");
        assertThat(smarthost.authentications()).containsExactly("1 gw");
    }

    @Test
    void refusedCredentialsShouldFailTheWholeRoutePermanently() throws Exception {
        ScriptedSmtpPeer smarthost = peer(3).tls(ca.issue("smtp.isp.test").serverContext()).auth("gw", "s3cret");

        assertThatThrownBy(() -> SmtpSession.open(target(smarthost, "smtp.isp.test"), withCredentials(TlsPolicy.encrypt("encrypt"), "gw", "wrong")))
            .isInstanceOfSatisfying(SessionFailure.class, failure -> {
                assertThat(failure.reply().code()).isEqualTo(535);
                assertThat(failure.wholeRoute()).isTrue();
            });
        assertThat(smarthost.count("MAIL", "")).isZero();
    }

    @Test
    void aTemporaryAuthFailureShouldBeTemporary() throws Exception {
        ScriptedSmtpPeer smarthost = peer(4).tls(ca.issue("smtp.isp.test").serverContext()).auth("gw", "s3cret")
            .on("AUTH", "", "454 4.7.0 Temporary authentication failure");

        assertThatThrownBy(() -> SmtpSession.open(target(smarthost, "smtp.isp.test"), withCredentials(TlsPolicy.encrypt("encrypt"), "gw", "s3cret")))
            .isInstanceOfSatisfying(SessionFailure.class, failure -> {
                assertThat(failure.reply().code()).isEqualTo(454);
                assertThat(failure.wholeRoute()).isFalse();
            });
    }

    @Test
    void credentialsShouldNeverTravelInClear() throws Exception {
        ScriptedSmtpPeer noTls = peer(5).auth("gw", "s3cret");

        assertThatThrownBy(() -> SmtpSession.open(target(noTls, "smtp.isp.test"), withCredentials(TlsPolicy.encrypt("encrypt"), "gw", "s3cret")))
            .isInstanceOfSatisfying(SessionFailure.class, failure -> assertThat(failure.reply().toString())
                .startsWith("451 4.7.5").contains("does not offer STARTTLS"));
        assertThatThrownBy(() -> SmtpSession.open(target(noTls, "smtp.isp.test"), withCredentials(TlsPolicy.may(), "gw", "s3cret")))
            .isInstanceOfSatisfying(SessionFailure.class, failure -> assertThat(failure.reply().toString())
                .startsWith("451 4.7.0").contains("only ever sent over TLS"));
        assertThat(noTls.count("AUTH", "")).isZero();
    }

    // ---- TLS levels

    @Test
    void mayShouldRetryTheSameHostInPlaintextAfterAFailedHandshake() throws Exception {
        ScriptedSmtpPeer broken = peer(6).tls(ca.issue("mx.dest.test").serverContext()).on("STARTTLS", "", ScriptedSmtpPeer.TLS_BROKEN);

        try (SmtpSession session = SmtpSession.open(target(broken, "mx.dest.test"), options(TlsPolicy.may()))) {
            assertThat(session.send(mail("a@dest.test")).get("a@dest.test").code()).isEqualTo(250);
            assertThat(session.tls().summary()).isEqualTo("may/plaintext");
            assertThat(session.tls().note()).hasValueSatisfying(note -> assertThat(note).contains("TLS handshake failed"));
        }
        assertThat(broken.connections()).isEqualTo(2);
        assertThat(broken.commands()).contains("1 STARTTLS").doesNotContain("2 STARTTLS");
        assertThat(broken.messages()).singleElement().satisfies(message -> assertThat(message.connection()).isEqualTo(2));
    }

    @Test
    void encryptShouldNotRetryInPlaintextAfterAFailedHandshake() throws Exception {
        ScriptedSmtpPeer broken = peer(7).tls(ca.issue("mx.dest.test").serverContext()).on("STARTTLS", "", ScriptedSmtpPeer.TLS_BROKEN);

        assertThatThrownBy(() -> SmtpSession.open(target(broken, "mx.dest.test"), options(TlsPolicy.encrypt("encrypt"))))
            .isInstanceOfSatisfying(SessionFailure.class, failure -> assertThat(failure.reply().enhanced()).isEqualTo("4.7.5"));
        assertThat(broken.connections()).isEqualTo(1);
    }

    @Test
    void encryptShouldTakeAnyCertificate() throws Exception {
        ScriptedSmtpPeer selfSigned = peer(8).tls(TestCa.selfSigned("whatever.test").serverContext());

        try (SmtpSession session = SmtpSession.open(target(selfSigned, "mx.dest.test"), options(TlsPolicy.encrypt("encrypt")))) {
            assertThat(session.tls().summary()).isEqualTo("encrypt/encrypted");
            assertThat(session.tls().protocol()).startsWith("TLSv1.");
        }
    }

    @Test
    void verifyShouldCheckTheChainAndTheMxHostName() throws Exception {
        ScriptedSmtpPeer good = peer(9).tls(ca.issue("mx.dest.test").serverContext());
        ScriptedSmtpPeer wrongName = peer(10).tls(ca.issue("other.dest.test").serverContext());
        ScriptedSmtpPeer untrusted = peer(11).tls(TestCa.selfSigned("mx.dest.test").serverContext());
        TlsPolicy verify = TlsPolicy.verified("verify", new PkixCheck(trustCa, List.of("mx.dest.test")));

        try (SmtpSession session = SmtpSession.open(target(good, "mx.dest.test"), options(verify))) {
            assertThat(session.tls().summary()).isEqualTo("verify/verified");
        }
        assertThatThrownBy(() -> SmtpSession.open(target(wrongName, "mx.dest.test"), options(verify)))
            .isInstanceOfSatisfying(SessionFailure.class, failure -> assertThat(failure.reply().toString())
                .startsWith("451 4.7.5").contains("match none of [mx.dest.test]"));
        assertThatThrownBy(() -> SmtpSession.open(target(untrusted, "mx.dest.test"), options(verify)))
            .isInstanceOfSatisfying(SessionFailure.class, failure -> assertThat(failure.reply().toString()).contains("not trusted"));
        assertThat(wrongName.count("MAIL", "") + untrusted.count("MAIL", "")).isZero();
    }

    @Test
    void secureShouldAcceptTheNextHopDomainAndItsSubdomainsOnly() throws Exception {
        ScriptedSmtpPeer sub = peer(12).tls(ca.issue("mx1.dest.test").serverContext());
        ScriptedSmtpPeer elsewhere = peer(13).tls(ca.issue("mx.dest-hosting.test").serverContext());
        TlsPolicy secure = TlsPolicy.verified("secure", new PkixCheck(trustCa, List.of("dest.test", ".dest.test")));

        try (SmtpSession session = SmtpSession.open(target(sub, "mx1.dest.test"), options(secure))) {
            assertThat(session.tls().verified()).isTrue();
        }
        assertThatThrownBy(() -> SmtpSession.open(target(elsewhere, "mx.dest-hosting.test"), options(secure)))
            .isInstanceOf(SessionFailure.class);
    }

    @Test
    void daneEeShouldMatchTheServerKeyWithoutNameOrAuthority() throws Exception {
        TestCa.Issued key = TestCa.selfSigned("anything.test");
        ScriptedSmtpPeer matching = peer(14).tls(key.serverContext());
        ScriptedSmtpPeer other = peer(15).tls(TestCa.selfSigned("mx.dest.test").serverContext());
        TlsPolicy dane = TlsPolicy.verified("dane", new DaneCheck(List.of(new Tlsa(3, 1, 1, TestCa.spkiSha256(key.certificate()))),
            List.of("mx.dest.test", "dest.test")));

        try (SmtpSession session = SmtpSession.open(target(matching, "mx.dest.test"), options(dane))) {
            assertThat(session.tls().summary()).isEqualTo("dane/verified");
        }
        assertThatThrownBy(() -> SmtpSession.open(target(other, "mx.dest.test"), options(dane)))
            .isInstanceOfSatisfying(SessionFailure.class, failure -> assertThat(failure.reply().toString()).contains("no TLSA record matches"));
    }

    @Test
    void daneTaShouldMatchTheIssuerAndCheckTheName() throws Exception {
        ScriptedSmtpPeer named = peer(16).tls(ca.issue("mx.dest.test").serverContext());
        ScriptedSmtpPeer misnamed = peer(17).tls(ca.issue("mx.elsewhere.test").serverContext());
        TlsPolicy dane = TlsPolicy.verified("dane", new DaneCheck(List.of(new Tlsa(2, 0, 1, TestCa.certificateSha256(ca.certificate()))),
            List.of("mx.dest.test", "dest.test")));

        try (SmtpSession session = SmtpSession.open(target(named, "mx.dest.test"), options(dane))) {
            assertThat(session.tls().verified()).isTrue();
        }
        assertThatThrownBy(() -> SmtpSession.open(target(misnamed, "mx.dest.test"), options(dane))).isInstanceOf(SessionFailure.class);
    }

    @Test
    void aReportOnlyCheckShouldNoteItsFailureAndKeepTheSession() throws Exception {
        ScriptedSmtpPeer selfSigned = peer(18).tls(TestCa.selfSigned("mx.dest.test").serverContext());

        try (SmtpSession session = SmtpSession.open(target(selfSigned, "mx.dest.test"),
                options(TlsPolicy.may().reporting(new PkixCheck(trustCa, List.of("mx.dest.test")))))) {
            assertThat(session.send(mail("a@dest.test")).get("a@dest.test").code()).isEqualTo(250);
            assertThat(session.tls().summary()).isEqualTo("may/encrypted");
            assertThat(session.tls().note()).hasValueSatisfying(note -> assertThat(note).contains("not trusted"));
        }
    }

    // ---- the transaction

    @Test
    void chunkingShouldSendTheWireBytesInOneBdatEvenWithoutPipelining() throws Exception {
        byte[] stored = "Subject: chunks\n\n.dot first\rbare CR\r\nCRLF\n..two\r\n\r\nno final newline".getBytes(StandardCharsets.ISO_8859_1);
        byte[] wire = "Subject: chunks\r\n\r\n.dot first\r\nbare CR\r\nCRLF\r\n..two\r\n\r\nno final newline\r\n".getBytes(StandardCharsets.ISO_8859_1);
        ScriptedSmtpPeer pipelined = peer(19).extensions("PIPELINING", "CHUNKING", "8BITMIME");
        ScriptedSmtpPeer sequential = peer(20).extensions("CHUNKING");

        for (ScriptedSmtpPeer peer : List.of(pipelined, sequential)) {
            Map<String, SmtpReply> replies = send(target(peer, "mx.dest.test"), options(TlsPolicy.none()),
                new MailTransaction("s@example.test", List.of("a@dest.test"), stored));

            assertThat(replies.get("a@dest.test").code()).isEqualTo(250);
            assertThat(peer.messages()).singleElement().satisfies(message -> assertThat(message.data()).isEqualTo(wire));
            assertThat(peer.commands()).contains("1 BDAT " + wire.length + " LAST").noneMatch(line -> line.endsWith("DATA"));
        }
    }

    @Test
    void dataShouldCarryOnlyCrlfLineEndingsAndDotStuffing() throws Exception {
        byte[] stored = "Subject: data\n\n.dot first\rbare CR\r\nCRLF\n..two\r\n.\r\nlast".getBytes(StandardCharsets.ISO_8859_1);
        ScriptedSmtpPeer peer = peer(21);

        send(target(peer, "mx.dest.test"), options(TlsPolicy.none()), new MailTransaction("s@example.test", List.of("a@dest.test"), stored));

        assertThat(peer.messages()).singleElement().satisfies(message -> assertThat(message.text())
            .isEqualTo("Subject: data\r\n\r\n.dot first\r\nbare CR\r\nCRLF\r\n..two\r\n.\r\nlast\r\n"));
    }

    @Test
    void lmtpShouldGiveEachRecipientItsOwnReplyAfterTheData() throws Exception {
        ScriptedSmtpPeer mailstore = peer(22).lmtp().extensions("PIPELINING", "ENHANCEDSTATUSCODES")
            .on("DOT", "full@", "552 5.2.2 <full@dest.test> mailbox full");
        ScriptedSmtpPeer chunking = peer(23).lmtp().extensions("PIPELINING", "CHUNKING")
            .on("DOT", "full@", "452 4.2.2 <full@dest.test> over quota, try later");
        SessionOptions lmtp = new SessionOptions("postern.test", Protocol.LMTP, TlsPolicy.none(), Optional.empty(), Optional.empty(), TIMEOUTS);

        Map<String, SmtpReply> replies = send(target(mailstore, "store.test"), lmtp, mail("a@dest.test", "full@dest.test", "b@dest.test"));
        Map<String, SmtpReply> chunked = send(target(chunking, "store.test"), lmtp, mail("a@dest.test", "full@dest.test"));

        assertThat(mailstore.commands()).contains("1 LHLO postern.test");
        assertThat(replies.get("a@dest.test").code()).isEqualTo(250);
        assertThat(replies.get("full@dest.test").toString()).isEqualTo("552 5.2.2 <full@dest.test> mailbox full");
        assertThat(replies.get("b@dest.test").code()).isEqualTo(250);
        assertThat(mailstore.messages()).singleElement().satisfies(message ->
            assertThat(message.recipients()).containsExactly("a@dest.test", "b@dest.test"));
        assertThat(chunked.get("a@dest.test").code()).isEqualTo(250);
        assertThat(chunked.get("full@dest.test").code()).isEqualTo(452);
    }

    @Test
    void smtpUtf8ShouldGoOnlyToAHostThatOffersIt() throws Exception {
        ScriptedSmtpPeer with = peer(24).extensions("PIPELINING", "SMTPUTF8", "8BITMIME");
        ScriptedSmtpPeer without = peer(25);
        byte[] utf8 = "Subject: caf\u00e9\r\n\r\nbonjour\r\n".getBytes(StandardCharsets.UTF_8);
        MailTransaction asked = new MailTransaction("s@example.test", List.of("a@dest.test"), utf8, DsnRequest.NONE, true, false);
        MailTransaction utf8Address = new MailTransaction("s@example.test", List.of("j\u00f6rg@dest.test"), utf8, DsnRequest.NONE, false, false);

        assertThat(send(target(with, "mx.dest.test"), options(TlsPolicy.none()), asked).get("a@dest.test").code()).isEqualTo(250);
        assertThat(send(target(without, "mx.dest.test"), options(TlsPolicy.none()), asked).get("a@dest.test").toString())
            .startsWith("554 5.6.9");
        assertThat(send(target(without, "mx.dest.test"), options(TlsPolicy.none()), utf8Address).get("j\u00f6rg@dest.test").toString())
            .startsWith("553 5.6.7");

        assertThat(with.commands()).contains("1 MAIL FROM:<s@example.test> BODY=8BITMIME SMTPUTF8");
        assertThat(without.count("MAIL", "")).isZero();
    }

    @Test
    void requireTlsShouldGoOnlyOverAVerifiedSessionToAHostThatOffersIt() throws Exception {
        ScriptedSmtpPeer offers = peer(26).tls(ca.issue("mx.dest.test").serverContext()).extensions("PIPELINING", "REQUIRETLS");
        ScriptedSmtpPeer lacks = peer(27).tls(ca.issue("mx.dest.test").serverContext());
        MailTransaction required = new MailTransaction("s@example.test", List.of("a@dest.test"),
            "Subject: secret\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII), DsnRequest.NONE, false, true);
        TlsPolicy verify = TlsPolicy.verified("requiretls", new PkixCheck(trustCa, List.of("mx.dest.test")));

        assertThat(send(target(offers, "mx.dest.test"), options(verify), required).get("a@dest.test").code()).isEqualTo(250);
        assertThat(send(target(offers, "mx.dest.test"), options(TlsPolicy.may()), required).get("a@dest.test").toString())
            .startsWith("550 5.7.10").contains("may/encrypted");
        assertThat(send(target(lacks, "mx.dest.test"), options(verify), required).get("a@dest.test").toString())
            .startsWith("550 5.7.10").contains("does not offer REQUIRETLS");

        assertThat(offers.commands()).contains("1 MAIL FROM:<s@example.test> REQUIRETLS");
        assertThat(offers.count("MAIL", "")).isEqualTo(1);
        assertThat(lacks.count("MAIL", "")).isZero();
    }

    @Test
    void theSessionShouldComeFromTheSourceAddress() throws Exception {
        ScriptedSmtpPeer peer = peer(28);
        SessionOptions from9 = new SessionOptions("postern.test", Protocol.SMTP, TlsPolicy.none(), Optional.empty(),
            Optional.of(InetAddress.getByName("127.0.0.9")), TIMEOUTS);

        send(target(peer, "mx.dest.test"), from9, mail("a@dest.test"));
        send(target(peer, "mx.dest.test"), options(TlsPolicy.none()), mail("b@dest.test"));

        assertThat(peer.remoteAddresses()).containsExactly("127.0.0.9", "127.0.0.1");
    }

    @Test
    void pipeliningShouldSendDataInTheSameGroupAsMailAndRcpt() throws Exception {
        ScriptedSmtpPeer peer = peer(29).on("RCPT", "bad@", "550 5.1.1 no such user");

        Map<String, SmtpReply> replies = send(target(peer, "mx.dest.test"), options(TlsPolicy.none()), mail("bad@dest.test", "ok@dest.test"));

        assertThat(replies.get("bad@dest.test").code()).isEqualTo(550);
        assertThat(replies.get("ok@dest.test").code()).isEqualTo(250);
        assertThat(peer.messages()).singleElement().satisfies(message -> assertThat(message.recipients()).containsExactly("ok@dest.test"));
    }

    private static int indexOf(List<String> commands, String prefix) {
        for (int i = 0; i < commands.size(); i++) {
            if (commands.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
