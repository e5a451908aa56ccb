package org.postern.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postern.testing.LoopbackDnsServer;
import org.postern.testing.LoopbackDnsServer.Transport;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** MX resolution against a real DNS server on loopback, over UDP and TCP. */
class MxLookupTest {
    LoopbackDnsServer dns;
    MxLookup lookup;

    @BeforeEach
    void start() throws Exception {
        dns = LoopbackDnsServer.start();
        lookup = new MxLookup(dns.resolver(Duration.ofMillis(500)));
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    MxResult resolve(String domain) throws Exception {
        return lookup.lookup(domain).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    static List<String> names(MxResult result) {
        assertThat(result).isInstanceOf(MxResult.Hosts.class);
        return ((MxResult.Hosts) result).hosts().stream().map(MxHost::name).toList();
    }

    @Test
    void hostsShouldBeOrderedByPreferenceWithTheirAddresses() throws Exception {
        dns.mx("a.test", 20, "mx2.a.test", 300).mx("a.test", 10, "mx1.a.test", 300)
            .a("mx1.a.test", "127.0.0.21", 300).a("mx2.a.test", "127.0.0.22", 300).aaaa("mx2.a.test", "::1", 300);

        MxResult result = resolve("a.test");

        assertThat(names(result)).containsExactly("mx1.a.test", "mx2.a.test");
        List<MxHost> hosts = ((MxResult.Hosts) result).hosts();
        assertThat(hosts.get(0).preference()).isEqualTo(10);
        assertThat(hosts.get(1).addresses()).containsExactly(InetAddress.getByName("127.0.0.22"), InetAddress.getByName("::1"));
        assertThat(((MxResult.Hosts) result).implicit()).isFalse();
    }

    @Test
    void equalPreferencesShouldBeShuffled() throws Exception {
        dns.mx("even.test", 10, "x.even.test", 300).mx("even.test", 10, "y.even.test", 300).mx("even.test", 5, "first.even.test", 300)
            .a("x.even.test", "127.0.0.31", 300).a("y.even.test", "127.0.0.32", 300).a("first.even.test", "127.0.0.30", 300);
        Map<String, Integer> secondPlace = new HashMap<>();

        for (int i = 0; i < 200; i++) {
            List<String> order = names(resolve("even.test"));
            assertThat(order.get(0)).isEqualTo("first.even.test");
            secondPlace.merge(order.get(1), 1, Integer::sum);
        }

        // 200 fair coin flips: each side wins between 60 and 140 times with probability > 1 - 1e-8
        assertThat(secondPlace.get("x.even.test")).isBetween(60, 140);
        assertThat(secondPlace.get("y.even.test")).isBetween(60, 140);
    }

    @Test
    void aDomainWithoutMxShouldBeItsOwnImplicitMx() throws Exception {
        dns.a("nomx.test", "127.0.0.40", 300);

        MxResult result = resolve("nomx.test");

        assertThat(names(result)).containsExactly("nomx.test");
        assertThat(((MxResult.Hosts) result).implicit()).isTrue();
    }

    @Test
    void aNullMxShouldMeanNoMailAccepted() throws Exception {
        dns.mx("nullmx.test", 0, ".", 300).a("nullmx.test", "127.0.0.41", 300);

        assertThat(resolve("nullmx.test")).isEqualTo(new MxResult.NullMx("nullmx.test"));
    }

    @Test
    void nxdomainShouldBePermanent() throws Exception {
        assertThat(resolve("nowhere.test")).isEqualTo(new MxResult.NoSuchDomain("nowhere.test"));
    }

    @Test
    void serverFailureShouldBeTemporary() throws Exception {
        dns.servfail("broken.test");

        assertThat(resolve("broken.test")).isInstanceOf(MxResult.TryAgain.class);
    }

    @Test
    void aTimeoutShouldBeTemporary() throws Exception {
        dns.silent("slow.test");

        MxResult result = resolve("slow.test");

        assertThat(result).isInstanceOf(MxResult.TryAgain.class);
        assertThat(((MxResult.TryAgain) result).reason()).contains("timeout");
    }

    @Test
    void aTruncatedUdpAnswerShouldBeAskedAgainOverTcp() throws Exception {
        dns.mx("big.test", 10, "mx.big.test", 300).a("mx.big.test", "127.0.0.50", 300).truncateOverUdp("big.test");

        assertThat(names(resolve("big.test"))).containsExactly("mx.big.test");
        assertThat(dns.queries("big.test", Type.MX, Transport.UDP)).isEqualTo(1);
        assertThat(dns.queries("big.test", Type.MX, Transport.TCP)).isEqualTo(1);
    }

    @Test
    void cnamesShouldBeFollowed() throws Exception {
        dns.cname("alias.test", "real.test", 300).mx("real.test", 10, "mx.real.test", 300)
            .cname("mx.real.test", "box.real.test", 300).a("box.real.test", "127.0.0.60", 300);

        MxResult result = resolve("alias.test");

        assertThat(((MxResult.Hosts) result).hosts().get(0).addresses()).containsExactly(InetAddress.getByName("127.0.0.60"));
    }

    @Test
    void answersShouldBeCachedForTheirTtlAndAskedAgainAfter() throws Exception {
        dns.mx("ttl.test", 10, "mx.ttl.test", 1).a("mx.ttl.test", "127.0.0.70", 1);

        resolve("ttl.test");
        resolve("ttl.test");
        int withinTtl = dns.queries("ttl.test", Type.MX, Transport.UDP);
        Thread.sleep(2_100);
        resolve("ttl.test");

        assertThat(withinTtl).isEqualTo(1);
        assertThat(dns.queries("ttl.test", Type.MX, Transport.UDP)).isEqualTo(2);
    }

    @Test
    void answersWithAShortTtlShouldBeKeptForTheMinimumTtl() throws Exception {
        dns.mx("zero.test", 10, "mx.zero.test", 0).a("mx.zero.test", "127.0.0.71", 0);
        MxLookup keeping = new MxLookup(dns.resolver(Duration.ofMillis(500)), Duration.ofSeconds(1));

        resolve("zero.test");
        resolve("zero.test");
        int withoutMinimum = dns.queries("zero.test", Type.MX, Transport.UDP);
        keeping.lookup("zero.test").toCompletableFuture().get(20, TimeUnit.SECONDS);
        keeping.lookup("zero.test").toCompletableFuture().get(20, TimeUnit.SECONDS);
        int withinMinimum = dns.queries("zero.test", Type.MX, Transport.UDP) - withoutMinimum;
        Thread.sleep(1_100);
        keeping.lookup("zero.test").toCompletableFuture().get(20, TimeUnit.SECONDS);

        assertThat(withoutMinimum).isEqualTo(2);
        assertThat(withinMinimum).isEqualTo(1);
        assertThat(dns.queries("zero.test", Type.MX, Transport.UDP)).isEqualTo(4);
    }

    @Test
    void aTemporaryFailureShouldNotBeKeptEvenWithAMinimumTtl() throws Exception {
        dns.servfail("sick.test");
        MxLookup keeping = new MxLookup(dns.resolver(Duration.ofMillis(500)), Duration.ofSeconds(30));

        keeping.lookup("sick.test").toCompletableFuture().get(20, TimeUnit.SECONDS);
        int first = dns.queries("sick.test", Type.MX, Transport.UDP);
        keeping.lookup("sick.test").toCompletableFuture().get(20, TimeUnit.SECONDS);

        assertThat(dns.queries("sick.test", Type.MX, Transport.UDP)).isGreaterThan(first);
    }

    @Test
    void anMxHostWithoutAddressShouldBeSkipped() throws Exception {
        dns.mx("half.test", 10, "gone.half.test", 300).mx("half.test", 20, "ok.half.test", 300).a("ok.half.test", "127.0.0.80", 300);

        assertThat(names(resolve("half.test"))).containsExactly("ok.half.test");
    }

    @Test
    void unresolvableMxHostsWithAServerFailureShouldBeTemporary() throws Exception {
        dns.mx("flaky.test", 10, "mx.flaky.test", 300).servfail("mx.flaky.test");

        assertThat(resolve("flaky.test")).isInstanceOf(MxResult.TryAgain.class);
    }

    @Test
    void anUnreachableResolverShouldBeTemporary() throws Exception {
        SimpleResolver nobody = new SimpleResolver(new java.net.InetSocketAddress("127.0.0.1", dns.address().getPort()));
        nobody.setTimeout(Duration.ofMillis(300));
        dns.close();

        MxResult result = new MxLookup(nobody).lookup("a.test").toCompletableFuture().get(20, TimeUnit.SECONDS);

        assertThat(result).isInstanceOf(MxResult.TryAgain.class);
    }
}
