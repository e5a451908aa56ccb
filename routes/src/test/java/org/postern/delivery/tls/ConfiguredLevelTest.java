package org.postern.delivery.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.postern.delivery.TlsSettings;
import org.postern.routing.NextHop;
import org.postern.routing.RouteOptions;
import org.postern.smtp.client.TlsLevel;

/** Where a next hop's TLS level comes from, as bin/postern explain shows it: the route, delivery.xml's next hop, the default. */
class ConfiguredLevelTest {
    final TransportSecurity security = TransportSecurity.levelsOnly(new TlsSettings(TlsLevel.MAY,
        Map.of(NextHop.parse("mx:bank.test"), new TlsSettings.NextHopTls(TlsLevel.SECURE, List.of("bank.test"))), Optional.empty(), true,
        Optional.empty()), null);

    @Test
    void theRoutesLevelShouldWinOverDeliveryXml() {
        RouteOptions route = new RouteOptions(Optional.of(TlsLevel.ENCRYPT), List.of(), Optional.empty(), Optional.empty());

        TransportSecurity.ConfiguredLevel level = security.configured(NextHop.parse("mx:bank.test"), route);

        assertThat(level.level()).isEqualTo(TlsLevel.ENCRYPT);
        assertThat(level.source()).isEqualTo("transport.xml route tls");
        assertThat(level.match()).isEmpty();
    }

    @Test
    void aNextHopOfDeliveryXmlShouldGiveItsLevelAndNames() {
        TransportSecurity.ConfiguredLevel level = security.configured(NextHop.parse("mx:bank.test"), RouteOptions.NONE);

        assertThat(level.level()).isEqualTo(TlsLevel.SECURE);
        assertThat(level.source()).isEqualTo("delivery.xml <tls><nexthop name=\"mx:bank.test\">");
        assertThat(level.match()).containsExactly("bank.test");
        assertThat(security.route(NextHop.parse("mx:bank.test"), RouteOptions.NONE, false).level()).as("the level attempts use").isEqualTo(TlsLevel.SECURE);
    }

    @Test
    void anyOtherNextHopShouldGetTheDefault() {
        TransportSecurity.ConfiguredLevel level = security.configured(NextHop.parse("mx:other.test"), RouteOptions.NONE);

        assertThat(level.level()).isEqualTo(TlsLevel.MAY);
        assertThat(level.source()).isEqualTo("delivery.xml <tls level>");
    }
}
