package org.postern.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.testing.LoopbackDnsServer;

class DnsSettingsTest {
    @Test
    void configuredServersShouldBeUsedWithoutAutodiscovery() throws Exception {
        BaseHierarchicalConfiguration dnsservice = new BaseHierarchicalConfiguration();
        dnsservice.addProperty("servers.server", "127.0.0.53");
        dnsservice.addProperty("servers.server", "127.0.0.54:5353");
        dnsservice.addProperty("autodiscover", false);
        dnsservice.addProperty("timeout", "750ms");
        dnsservice.addProperty("retries", "1");

        DnsSettings settings = DnsSettings.from(dnsservice);

        assertThat(settings.servers()).containsExactly(new InetSocketAddress("127.0.0.53", 53), new InetSocketAddress("127.0.0.54", 5353));
        assertThat(settings.timeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(settings.retries()).isEqualTo(1);
        assertThat(settings.minimumTtl()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void resolversShouldReplaceTheServersAndTheSystemResolvers() throws Exception {
        BaseHierarchicalConfiguration dnsservice = new BaseHierarchicalConfiguration();
        dnsservice.addProperty("servers.server", "127.0.0.53");
        dnsservice.addProperty("autodiscover", true);
        dnsservice.addProperty("resolvers.resolver", "127.0.0.1:5353");
        dnsservice.addProperty("resolvers.resolver", "[::1]:5354");

        DnsSettings settings = DnsSettings.from(dnsservice);

        assertThat(settings.servers()).containsExactly(new InetSocketAddress("127.0.0.1", 5353), new InetSocketAddress("::1", 5354));
    }

    @Test
    void aResolverWithAPortShouldBeAsked() throws Exception {
        try (LoopbackDnsServer dns = LoopbackDnsServer.start()) {
            dns.mx("conf.test", 10, "mx.conf.test", 60).a("mx.conf.test", "127.0.0.90", 60);
            BaseHierarchicalConfiguration dnsservice = new BaseHierarchicalConfiguration();
            dnsservice.addProperty("autodiscover", true);
            dnsservice.addProperty("resolvers.resolver", "127.0.0.1:" + dns.address().getPort());
            dnsservice.addProperty("timeout", "1s");

            MxResult result = new MxLookup(DnsSettings.from(dnsservice).resolver()).lookup("conf.test")
                .toCompletableFuture().get(20, TimeUnit.SECONDS);

            assertThat(result).isInstanceOf(MxResult.Hosts.class);
            assertThat(dns.queries("conf.test", org.xbill.DNS.Type.MX, LoopbackDnsServer.Transport.UDP)).isPositive();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"0 | 0", "2s | 2000", "250ms | 250"})
    void theMinimumTtlShouldBeADurationOrZero(String value, long millis) throws Exception {
        BaseHierarchicalConfiguration dnsservice = new BaseHierarchicalConfiguration();
        dnsservice.addProperty("autodiscover", true);
        dnsservice.addProperty("minimumTtl", value);

        assertThat(DnsSettings.from(dnsservice).minimumTtl().toMillis()).isEqualTo(millis);
    }

    @Test
    void theResolverShouldAskTheConfiguredServer() throws Exception {
        try (LoopbackDnsServer dns = LoopbackDnsServer.start()) {
            dns.mx("conf.test", 10, "mx.conf.test", 60).a("mx.conf.test", "127.0.0.90", 60);
            BaseHierarchicalConfiguration dnsservice = new BaseHierarchicalConfiguration();
            dnsservice.addProperty("servers.server", "127.0.0.1:" + dns.address().getPort());
            dnsservice.addProperty("autodiscover", false);

            MxResult result = new MxLookup(DnsSettings.from(dnsservice).resolver()).lookup("conf.test")
                .toCompletableFuture().get(20, TimeUnit.SECONDS);

            assertThat(result).isInstanceOf(MxResult.Hosts.class);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "servers.server | dns.example | <server> = 'dns.example': must be an IP address",
        "resolvers.resolver | localhost:5353 | <resolver> = 'localhost:5353': must be an IP address",
        "resolvers.resolver | 127.0.0.1:99999 | <resolver> = '127.0.0.1:99999': the port must be a number from 1 to 65535",
        "resolvers.resolver | 127.0.0.1:dns | <resolver> = '127.0.0.1:dns': the port must be a number from 1 to 65535",
        "resolvers | '' | <resolvers> is empty",
        "timeout        | soon        | <timeout> = 'soon': must be a positive duration",
        "timeout        | 0s          | <timeout> = '0s': must be a positive duration",
        "retries        | -1          | <retries> = '-1': must be a whole number",
        "minimumTtl     | long        | <minimumTtl> = 'long': must be a duration"})
    void badValuesShouldNameTheElementAndValue(String key, String value, String message) {
        BaseHierarchicalConfiguration dnsservice = new BaseHierarchicalConfiguration();
        dnsservice.addProperty("autodiscover", true);
        dnsservice.addProperty(key, value);

        assertThatThrownBy(() -> DnsSettings.from(dnsservice)).isInstanceOf(org.apache.commons.configuration2.ex.ConfigurationException.class)
            .hasMessageStartingWith("dnsservice.xml: " + message);
    }

    @Test
    void noServerAtAllShouldBeRefused() {
        BaseHierarchicalConfiguration dnsservice = new BaseHierarchicalConfiguration();
        dnsservice.addProperty("autodiscover", false);

        assertThatThrownBy(() -> DnsSettings.from(dnsservice)).hasMessageContaining("no DNS server to ask");
    }
}
