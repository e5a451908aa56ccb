package org.postern.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postern.smtp.client.Tlsa;
import org.postern.testing.LoopbackDnsServer;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Type;

/** DNSSEC validation against a signed zone served on loopback: secure, insecure and bogus answers. */
class DnssecLookupTest {
    static final byte[] HASH = new byte[32];

    LoopbackDnsServer dns;
    DnssecLookup lookup;

    @BeforeEach
    void start() throws Exception {
        dns = LoopbackDnsServer.start();
        LoopbackDnsServer.SignedZone zone = dns.sign("signed.test");
        dns.mx("signed.test", 10, "mx.signed.test", 300).a("mx.signed.test", "127.0.0.1", 300)
            .tlsa("mx.signed.test", 25, 3, 1, 1, HASH, 300)
            .a("notlsa.signed.test", "127.0.0.2", 300)
            .tlsa("forged.signed.test", 25, 3, 1, 1, HASH, 300).bogus("_25._tcp.forged.signed.test")
            .mx("plain.test", 10, "mx.plain.test", 300).tlsa("mx.plain.test", 25, 3, 1, 1, HASH, 300);
        lookup = new DnssecLookup(dns.resolver(Duration.ofSeconds(2)),
            new ByteArrayInputStream(zone.trustAnchor().getBytes(StandardCharsets.US_ASCII)));
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private DnssecLookup.Answer await(java.util.concurrent.CompletionStage<DnssecLookup.Answer> answer) throws Exception {
        return answer.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aSignedTlsaRecordShouldBeSecure() throws Exception {
        DnssecLookup.Answer answer = await(lookup.tlsa("mx.signed.test", 25));

        assertThat(answer).isInstanceOfSatisfying(DnssecLookup.Secure.class, secure ->
            assertThat(DnssecLookup.tlsaRecords(secure)).containsExactly(new Tlsa(3, 1, 1, HASH)));
    }

    @Test
    void aSignedMxRrsetShouldBeSecure() throws Exception {
        assertThat(await(lookup.lookup("signed.test", Type.MX))).isInstanceOfSatisfying(DnssecLookup.Secure.class, secure ->
            assertThat(secure.records()).singleElement().isInstanceOf(MXRecord.class));
    }

    @Test
    void aMissingTypeOrNameInASignedZoneShouldBeProvenAbsent() throws Exception {
        assertThat(await(lookup.tlsa("notlsa.signed.test", 25))).isInstanceOfSatisfying(DnssecLookup.Secure.class,
            secure -> assertThat(secure.records()).isEmpty());
        assertThat(await(lookup.lookup("notlsa.signed.test", Type.TXT))).isInstanceOfSatisfying(DnssecLookup.Secure.class,
            secure -> assertThat(secure.records()).isEmpty());
    }

    @Test
    void anUnsignedZoneShouldBeInsecure() throws Exception {
        assertThat(await(lookup.tlsa("mx.plain.test", 25))).isInstanceOf(DnssecLookup.Insecure.class);
        assertThat(await(lookup.lookup("plain.test", Type.MX))).isInstanceOf(DnssecLookup.Insecure.class);
    }

    @Test
    void aForgedSignatureShouldFailAndNotBeCached() throws Exception {
        assertThat(await(lookup.tlsa("forged.signed.test", 25))).isInstanceOfSatisfying(DnssecLookup.Failed.class,
            failed -> assertThat(failed.reason()).contains("SERVFAIL", "failed ANSWER rrset"));
        int asked = dns.queries("_25._tcp.forged.signed.test", Type.TLSA, LoopbackDnsServer.Transport.UDP);

        assertThat(await(lookup.tlsa("forged.signed.test", 25))).isInstanceOf(DnssecLookup.Failed.class);
        assertThat(dns.queries("_25._tcp.forged.signed.test", Type.TLSA, LoopbackDnsServer.Transport.UDP)).isGreaterThan(asked);
    }

    @Test
    void aSecureAnswerShouldBeCachedForItsTtl() throws Exception {
        await(lookup.tlsa("mx.signed.test", 25));
        await(lookup.tlsa("mx.signed.test", 25));

        assertThat(dns.queries("_25._tcp.mx.signed.test", Type.TLSA, LoopbackDnsServer.Transport.UDP)).isEqualTo(1);
    }
}
