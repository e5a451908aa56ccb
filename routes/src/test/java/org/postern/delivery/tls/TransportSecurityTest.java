package org.postern.delivery.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.delivery.ConnectionCache;
import org.postern.delivery.DeliveryRoute;
import org.postern.delivery.DeliverySettings;
import org.postern.delivery.Envelope;
import org.postern.delivery.LedgerRecorder;
import org.postern.delivery.RecipientOutcome;
import org.postern.delivery.SmtpDelivery;
import org.postern.delivery.TlsSettings;
import org.postern.dns.DnssecLookup;
import org.postern.dns.MxLookup;
import org.postern.dsn.DsnRequest;
import org.postern.ledger.DeliveryLedger;
import org.postern.ledger.LedgerEvent;
import org.postern.ledger.LedgerQuery;
import org.postern.smtp.client.SmtpTimeouts;
import org.postern.smtp.client.Target;
import org.postern.smtp.client.TlsLevel;
import org.postern.smtp.client.TrustStores;
import org.postern.testing.LoopbackDnsServer;
import org.postern.testing.LoopbackHttpsServer;
import org.postern.testing.ScriptedSmtpPeer;
import org.postern.testing.TestCa;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.lookup.LookupSession;

/**
 * DANE, MTA-STS and REQUIRETLS through a delivery attempt: a signed zone served by the loopback DNS server, SMTP
 * peers holding matching and non-matching certificates from a test CA, MTA-STS policies on loopback HTTPS servers
 * (on a port of their own, which the policy client is told).
 */
class TransportSecurityTest {
    static final byte[] MESSAGE = "Subject: secure\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
    static final String POLICY_PATH = "/.well-known/mta-sts.txt";

    @TempDir
    static Path keys;
    static TestCa ca;
    static X509TrustManager trustCa;
    static LoopbackDnsServer dns;
    static LoopbackDnsServer.SignedZone signed;
    static LoopbackHttpsServer enforcePolicy;
    static LoopbackHttpsServer testingPolicy;

    final List<ScriptedSmtpPeer> peers = new ArrayList<>();
    final List<LedgerEvent> ledger = new CopyOnWriteArrayList<>();
    ConnectionCache cache;
    TransportSecurity security;
    SmtpDelivery delivery;

    @BeforeAll
    static void startDnsAndPolicies() throws Exception {
        ca = TestCa.create("Postern Test CA");
        trustCa = TrustStores.fromFile(ca.writePem(keys.resolve("ca.pem")));
        dns = LoopbackDnsServer.start();
        signed = dns.sign("signed.test");
        enforcePolicy = LoopbackHttpsServer.startOnPort(0, 1, ca.issue("mta-sts.sts.test").serverContext())
            .respond(POLICY_PATH, 200, "text/plain", "version: STSv1\r\nmode: enforce\r\nmx: mx.sts.test\r\nmx: *.backup.sts.test\r\nmax_age: 86400\r\n");
        testingPolicy = LoopbackHttpsServer.startOnPort(enforcePolicy.port(), Integer.parseInt(last(enforcePolicy.host())) + 1,
                ca.issue("mta-sts.trial.test").serverContext())
            .respond(POLICY_PATH, 200, "text/plain; charset=utf-8", "version: STSv1\nmode: testing\nmx: mx.trial.test\nmax_age: 600\n");
        dns.txt("_mta-sts.sts.test", "v=STSv1; id=20261201T000000;", 300).a("mta-sts.sts.test", enforcePolicy.host(), 300)
            .txt("_mta-sts.trial.test", "v=STSv1; id=1;", 300).a("mta-sts.trial.test", testingPolicy.host(), 300);
    }

    @AfterAll
    static void stopDnsAndPolicies() {
        enforcePolicy.close();
        testingPolicy.close();
        dns.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        TlsSettings tls = TlsSettings.of(TlsLevel.MAY, Map.of("mx:signed.test", TlsLevel.DANE, "mx:plain.test", TlsLevel.DANE));
        DeliverySettings defaults = DeliverySettings.defaults();
        DeliverySettings settings = new DeliverySettings(defaults.queue(), 4, "postern.test", defaults.retry(),
            SmtpTimeouts.all(Duration.ofSeconds(3)), defaults.connectionCache(), 4, tls, 50);
        cache = new ConnectionCache(settings.connectionCache());
        security = new TransportSecurity(tls, trustCa,
            new DnssecLookup(dns.resolver(Duration.ofSeconds(2)), new ByteArrayInputStream(signed.trustAnchor().getBytes(StandardCharsets.US_ASCII))),
            new MtaStsPolicies(LookupSession.builder().resolver(dns.resolver(Duration.ofSeconds(2))).clearSearchPath()
                .cache(new Cache(DClass.IN)).build(), new MxLookup(dns.resolver(Duration.ofSeconds(2))), trustCa, Clock.systemUTC(),
                enforcePolicy.port()));
        delivery = new SmtpDelivery(settings, cache, new LedgerRecorder(new ListLedger(ledger), Clock.systemUTC()), security);
    }

    @AfterEach
    void tearDown() throws Exception {
        cache.close();
        security.close();
        peers.forEach(ScriptedSmtpPeer::close);
    }

    private ScriptedSmtpPeer peer(int host, javax.net.ssl.SSLContext tls) throws Exception {
        ScriptedSmtpPeer peer = ScriptedSmtpPeer.start("127.0.28." + host, 0).tls(tls);
        peers.add(peer);
        return peer;
    }

    private static Target target(ScriptedSmtpPeer peer, String name) throws Exception {
        return new Target(name, InetAddress.getByName(peer.host()), peer.port());
    }

    private Map<String, RecipientOutcome> deliver(String nextHop, boolean requireTls, Target... targets) throws Exception {
        Envelope envelope = new Envelope("Mail1", "s@example.test", List.of("a@" + nextHop.substring(3)), nextHop, Instant.now(),
            DsnRequest.NONE, java.util.Optional.empty(), requireTls);
        return delivery.deliver(envelope, MESSAGE, DeliveryRoute.smtp(org.postern.routing.NextHop.parse(nextHop), List.of(targets)));
    }

    private List<String> tlsLevels() {
        return ledger.stream().filter(event -> event.kind() == LedgerEvent.Kind.ATTEMPT)
            .map(event -> event.tlsLevel().orElse("-") + " " + event.reply().orElse("")).toList();
    }

    private static String last(String address) {
        return address.substring(address.lastIndexOf('.') + 1);
    }

    // ---- DANE

    @Test
    void daneShouldDeliverToAHostWhoseKeyMatchesItsSignedTlsaRecord() throws Exception {
        TestCa.Issued key = TestCa.selfSigned("mx1.signed.test");
        ScriptedSmtpPeer mx = peer(1, key.serverContext());
        dns.mx("signed.test", 10, "mx1.signed.test", 300).a("mx1.signed.test", mx.host(), 300)
            .tlsa("mx1.signed.test", mx.port(), 3, 1, 1, TestCa.spkiSha256(key.certificate()), 300);

        Map<String, RecipientOutcome> outcome = deliver("mx:signed.test", false, target(mx, "mx1.signed.test"));

        assertThat(outcome.get("a@signed.test").status()).isEqualTo(RecipientOutcome.Status.DELIVERED);
        assertThat(mx.tlsConnections()).containsExactly(1);
        assertThat(tlsLevels()).singleElement().asString().startsWith("dane/verified 250");
    }

    @Test
    void daneShouldRefuseAHostWhoseKeyDoesNotMatchAndDeferOnTheLastOne() throws Exception {
        ScriptedSmtpPeer mx = peer(2, TestCa.selfSigned("mx2.signed.test").serverContext());
        dns.a("mx2.signed.test", mx.host(), 300).tlsa("mx2.signed.test", mx.port(), 3, 1, 1, new byte[32], 300);

        Map<String, RecipientOutcome> outcome = deliver("mx:signed.test", false, target(mx, "mx2.signed.test"));

        assertThat(outcome.get("a@signed.test").status()).isEqualTo(RecipientOutcome.Status.DEFERRED);
        assertThat(outcome.get("a@signed.test").reply().toString()).startsWith("451 4.7.5").contains("no TLSA record matches");
        assertThat(mx.count("MAIL", "")).isZero();
    }

    @Test
    void daneTaShouldAcceptACertificateIssuedByTheNamedAuthorityForTheMxName() throws Exception {
        ScriptedSmtpPeer mx = peer(3, ca.issue("mx3.signed.test").serverContext());
        dns.a("mx3.signed.test", mx.host(), 300).tlsa("mx3.signed.test", mx.port(), 2, 0, 1, TestCa.certificateSha256(ca.certificate()), 300);

        assertThat(deliver("mx:signed.test", false, target(mx, "mx3.signed.test")).get("a@signed.test").status())
            .isEqualTo(RecipientOutcome.Status.DELIVERED);
        assertThat(tlsLevels()).singleElement().asString().startsWith("dane/verified");
    }

    @Test
    void aBogusTlsaAnswerShouldMakeTheHostUnusableWithoutConnecting() throws Exception {
        ScriptedSmtpPeer mx = peer(4, TestCa.selfSigned("mx4.signed.test").serverContext());
        dns.a("mx4.signed.test", mx.host(), 300).tlsa("mx4.signed.test", mx.port(), 3, 1, 1, new byte[32], 300)
            .bogus("_" + mx.port() + "._tcp.mx4.signed.test");

        Map<String, RecipientOutcome> outcome = deliver("mx:signed.test", false, target(mx, "mx4.signed.test"));

        assertThat(outcome.get("a@signed.test").status()).isEqualTo(RecipientOutcome.Status.DEFERRED);
        assertThat(outcome.get("a@signed.test").reply().toString()).contains("DANE: TLSA lookup");
        assertThat(mx.connections()).isZero();
    }

    @Test
    void anUnsignedZoneShouldFallBackToMay() throws Exception {
        ScriptedSmtpPeer mx = peer(5, TestCa.selfSigned("mx.plain.test").serverContext());
        dns.mx("plain.test", 10, "mx.plain.test", 300).a("mx.plain.test", mx.host(), 300)
            .tlsa("mx.plain.test", mx.port(), 3, 1, 1, new byte[32], 300);

        Map<String, RecipientOutcome> outcome = deliver("mx:plain.test", false, target(mx, "mx.plain.test"));

        assertThat(outcome.get("a@plain.test").status()).isEqualTo(RecipientOutcome.Status.DELIVERED);
        assertThat(tlsLevels()).singleElement().asString().startsWith("dane:may/encrypted");
    }

    @Test
    void aSignedHostWithoutTlsaRecordsShouldFallBackToMay() throws Exception {
        ScriptedSmtpPeer mx = peer(6, TestCa.selfSigned("mx6.signed.test").serverContext());
        dns.a("mx6.signed.test", mx.host(), 300);

        assertThat(deliver("mx:signed.test", false, target(mx, "mx6.signed.test")).get("a@signed.test").status())
            .isEqualTo(RecipientOutcome.Status.DELIVERED);
        assertThat(tlsLevels()).singleElement().asString().startsWith("dane:may/encrypted");
    }

    @Test
    void anUnsignedMxRrsetShouldNotLetDaneApplyToTheHostsItNames() throws Exception {
        ScriptedSmtpPeer mx = peer(14, TestCa.selfSigned("mx7.signed.test").serverContext());
        dns.mx("plain.test", 20, "mx7.signed.test", 300).a("mx7.signed.test", mx.host(), 300)
            .tlsa("mx7.signed.test", mx.port(), 3, 1, 1, new byte[32], 300);

        Map<String, RecipientOutcome> outcome = deliver("mx:plain.test", false, target(mx, "mx7.signed.test"));

        assertThat(outcome.get("a@plain.test").status()).isEqualTo(RecipientOutcome.Status.DELIVERED);
        assertThat(tlsLevels()).singleElement().asString().startsWith("dane:may/encrypted");
    }

    // ---- MTA-STS

    @Test
    void mtaStsEnforceShouldSkipUnlistedHostsAndVerifyTheListedOne() throws Exception {
        ScriptedSmtpPeer rogue = peer(7, ca.issue("rogue.sts.test").serverContext());
        ScriptedSmtpPeer listed = peer(8, ca.issue("mx.sts.test").serverContext());

        Map<String, RecipientOutcome> outcome = deliver("mx:sts.test", false, target(rogue, "rogue.sts.test"), target(listed, "mx.sts.test"));

        assertThat(outcome.get("a@sts.test").status()).isEqualTo(RecipientOutcome.Status.DELIVERED);
        assertThat(rogue.connections()).isZero();
        assertThat(tlsLevels()).containsExactly("- 451 4.7.5 MTA-STS: rogue.sts.test is not an MX host of the policy of sts.test "
            + "(mx [mx.sts.test, *.backup.sts.test])", tlsLevels().get(1));
        assertThat(tlsLevels().get(1)).startsWith("mta-sts/verified 250");
    }

    @Test
    void mtaStsEnforceShouldRefuseACertificateThatDoesNotVerify() throws Exception {
        ScriptedSmtpPeer selfSigned = peer(9, TestCa.selfSigned("a.backup.sts.test").serverContext());

        Map<String, RecipientOutcome> outcome = deliver("mx:sts.test", false, target(selfSigned, "a.backup.sts.test"));

        assertThat(outcome.get("a@sts.test").status()).isEqualTo(RecipientOutcome.Status.DEFERRED);
        assertThat(outcome.get("a@sts.test").reply().toString()).startsWith("451 4.7.5").contains("not trusted");
        assertThat(selfSigned.count("MAIL", "")).isZero();
    }

    @Test
    void theFetchedPolicyShouldBeKeptForItsMaxAge() throws Exception {
        ScriptedSmtpPeer listed = peer(10, ca.issue("mx.sts.test").serverContext());
        int before = enforcePolicy.requests(POLICY_PATH);

        deliver("mx:sts.test", false, target(listed, "mx.sts.test"));
        deliver("mx:sts.test", false, target(listed, "mx.sts.test"));

        assertThat(enforcePolicy.requests(POLICY_PATH) - before).isLessThanOrEqualTo(1);
        assertThat(security.route(org.postern.routing.NextHop.parse("mx:sts.test"), org.postern.routing.RouteOptions.NONE, false).mtaSts())
            .hasValueSatisfying(policy -> assertThat(policy.id()).isEqualTo("20261201T000000"));
    }

    @Test
    void mtaStsTestingShouldDeliverAndReportTheFailure() throws Exception {
        ScriptedSmtpPeer selfSigned = peer(11, TestCa.selfSigned("mx.trial.test").serverContext());

        Map<String, RecipientOutcome> outcome = deliver("mx:trial.test", false, target(selfSigned, "mx.trial.test"));

        assertThat(outcome.get("a@trial.test").status()).isEqualTo(RecipientOutcome.Status.DELIVERED);
        assertThat(ledger).filteredOn(event -> event.kind() == LedgerEvent.Kind.ATTEMPT).singleElement().satisfies(event -> {
            assertThat(event.tlsLevel()).contains("may/encrypted");
            assertThat(event.detail()).hasValueSatisfying(detail -> assertThat(detail).contains("reported, not enforced: MTA-STS").contains("not trusted"));
        });
    }

    // ---- REQUIRETLS

    @Test
    void aRequireTlsMessageShouldGoOnlyOverAVerifiedSessionElseBounceWith5710() throws Exception {
        ScriptedSmtpPeer verified = peer(12, ca.issue("mx.req.test").serverContext()).extensions("PIPELINING", "REQUIRETLS");
        ScriptedSmtpPeer selfSigned = peer(13, TestCa.selfSigned("mx.req.test").serverContext()).extensions("PIPELINING", "REQUIRETLS");

        Map<String, RecipientOutcome> good = deliver("mx:req.test", true, target(verified, "mx.req.test"));
        Map<String, RecipientOutcome> bad = deliver("mx:req.test", true, target(selfSigned, "mx.req.test"));

        assertThat(good.get("a@req.test").status()).isEqualTo(RecipientOutcome.Status.DELIVERED);
        assertThat(verified.commands()).anyMatch(command -> command.endsWith("MAIL FROM:<s@example.test> REQUIRETLS"));
        assertThat(bad.get("a@req.test").status()).isEqualTo(RecipientOutcome.Status.FAILED);
        assertThat(bad.get("a@req.test").reply().toString()).startsWith("550 5.7.10");
        assertThat(selfSigned.count("MAIL", "")).isZero();
    }

    /** The ledger as a list, to read back what delivery recorded. */
    private record ListLedger(List<LedgerEvent> events) implements DeliveryLedger {
        @Override
        public void record(LedgerEvent event) {
            events.add(event);
        }

        @Override
        public List<LedgerEvent> find(LedgerQuery query, int limit) {
            return List.copyOf(events);
        }

        @Override
        public int purge(Instant before) {
            return 0;
        }
    }
}
