package org.postern.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.time.Duration;
import java.util.List;

import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.io.FileHandler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.postern.smtp.client.SmtpTimeouts;
import org.postern.smtp.client.TlsLevel;

class DeliverySettingsTest {
    static DeliverySettings parse(String xml) throws ConfigurationException {
        XMLConfiguration configuration = new XMLConfiguration();
        new FileHandler(configuration).load(new StringReader(xml));
        return DeliverySettings.from(configuration);
    }

    @Test
    void anEmptyFileShouldGiveThePostfixLikeDefaults() throws Exception {
        DeliverySettings settings = parse("<delivery/>");

        assertThat(settings.retry()).isEqualTo(new RetrySchedule(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofDays(5)));
        assertThat(settings.queue()).isEqualTo("outbound");
        assertThat(settings.tls()).isEqualTo(TlsSettings.DEFAULT);
        assertThat(settings.tls().level()).isEqualTo(TlsLevel.MAY);
        assertThat(settings.tls().mtaSts()).isTrue();
        assertThat(settings.sourceAddress()).isEmpty();
        assertThat(settings.timeouts()).isEqualTo(SmtpTimeouts.DEFAULT);
        assertThat(settings.connectionCache()).isEqualTo(DeliverySettings.CacheLimits.DEFAULT);
        assertThat(settings.delayNotice()).isEqualTo(Duration.ofHours(4));
    }

    @Test
    void everyElementShouldBeRead() throws Exception {
        DeliverySettings settings = parse("<delivery><queue>out2</queue><threads>3</threads><heloName>gw.example.org</heloName>"
            + "<retry><first>10s</first><max>20s</max><giveUpAfter>2h</giveUpAfter></retry>"
            + "<timeouts><connect>1s</connect><dataEnd>7s</dataEnd></timeouts>"
            + "<connectionCache><idleTime>5s</idleTime><maxUses>7</maxUses><maxLifetime>60s</maxLifetime></connectionCache>"
            + "<concurrencyPerDestination>4</concurrencyPerDestination>"
            + "<tls level='none' caFile='ca.pem' mtaSts='false' daneTrustAnchors='anchors.txt'><nexthop name='smtp:[10.0.0.5]:25' level='encrypt'/>"
            + "<nexthop name='mx:bank.test' level='secure' match='bank.test:.bank.test'/></tls>"
            + "<sourceAddress>127.0.0.9</sourceAddress><maxReceivedHeaders>30</maxReceivedHeaders>"
            + "<delayNotice>30m</delayNotice></delivery>");

        assertThat(settings.queue()).isEqualTo("out2");
        assertThat(settings.threads()).isEqualTo(3);
        assertThat(settings.heloName()).isEqualTo("gw.example.org");
        assertThat(settings.retry()).isEqualTo(new RetrySchedule(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofHours(2)));
        assertThat(settings.timeouts().connect()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.timeouts().dataEnd()).isEqualTo(Duration.ofSeconds(7));
        assertThat(settings.timeouts().mail()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.connectionCache()).isEqualTo(new DeliverySettings.CacheLimits(Duration.ofSeconds(5), 7, Duration.ofSeconds(60)));
        assertThat(settings.concurrencyPerDestination()).isEqualTo(4);
        assertThat(settings.tls().level()).isEqualTo(TlsLevel.NONE);
        assertThat(settings.tls().byNextHop().get(org.postern.routing.NextHop.parse("smtp:[10.0.0.5]:25"))).isEqualTo(new TlsSettings.NextHopTls(TlsLevel.ENCRYPT, List.of()));
        assertThat(settings.tls().byNextHop().get(org.postern.routing.NextHop.parse("mx:bank.test")))
            .isEqualTo(new TlsSettings.NextHopTls(TlsLevel.SECURE, List.of("bank.test", ".bank.test")));
        assertThat(settings.tls().caFile()).contains("ca.pem");
        assertThat(settings.tls().daneTrustAnchors()).contains("anchors.txt");
        assertThat(settings.tls().mtaSts()).isFalse();
        assertThat(settings.sourceAddress()).contains(java.net.InetAddress.getByName("127.0.0.9"));
        assertThat(settings.maxReceivedHeaders()).isEqualTo(30);
        assertThat(settings.delayNotice()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void durationsShouldTakeJamesSyntax() throws Exception {
        DeliverySettings settings = parse("<delivery><timeouts><rcpt>5 min</rcpt></timeouts><delayNotice>4 hours</delayNotice>"
            + "<retry><giveUpAfter>1w</giveUpAfter></retry></delivery>");

        assertThat(settings.timeouts().rcpt()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.delayNotice()).isEqualTo(Duration.ofHours(4));
        assertThat(settings.retry().giveUpAfter()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void aNextHopNameShouldApplyToTheNextHopAsRoutingRecordsIt() throws Exception {
        DeliverySettings settings = parse("<delivery><tls><nexthop name='smtp:[10.0.0.5]' level='encrypt'/>"
            + "<nexthop name='mx:Bank.Test.' level='secure'/></tls></delivery>");

        assertThat(settings.tls().byNextHop().get(org.postern.routing.NextHop.parse("smtp:[10.0.0.5]:25")).level()).isEqualTo(TlsLevel.ENCRYPT);
        assertThat(settings.tls().byNextHop().get(org.postern.routing.NextHop.parse("mx:bank.test")).level()).isEqualTo(TlsLevel.SECURE);
    }

    @Test
    void theOldPoliciesNoneAndMayShouldKeepWorking() throws Exception {
        DeliverySettings settings = parse("<delivery><tls policy='none'><nexthop name='mx:a.test' policy='may'/></tls></delivery>");

        assertThat(settings.tls().level()).isEqualTo(TlsLevel.NONE);
        assertThat(settings.tls().byNextHop().get(org.postern.routing.NextHop.parse("mx:a.test")).level()).isEqualTo(TlsLevel.MAY);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<delivery><threads>0</threads></delivery>|delivery.xml: <threads> = '0': must be a whole number, 1 or more",
        "<delivery><retry><first>soon</first></retry></delivery>|delivery.xml: <retry/first> = 'soon': must be a positive duration",
        "<delivery><retry><first>2h</first><max>1h</max></retry></delivery>|delivery.xml: <retry>: max (PT1H) must not be shorter than first (PT2H)",
        "<delivery><timeouts><rcpt>5 fortnights</rcpt></timeouts></delivery>|delivery.xml: <timeouts/rcpt> = '5 fortnights'",
        "<delivery><tls level='always'/></delivery>|delivery.xml: <tls@level> = 'always': must be none, may, encrypt, verify, secure or dane",
        "<delivery><tls><nexthop level='may'/></tls></delivery>|delivery.xml: <tls/nexthop@name> = ''",
        "<delivery><tls><nexthop name='mx' level='may'/></tls></delivery>|delivery.xml: <tls/nexthop@name> = 'mx': must be a next hop as recorded",
        "<delivery><tls><nexthop name='smtp:[h' level='may'/></tls></delivery>|delivery.xml: <tls/nexthop@name> = 'smtp:[h': must be a next hop as recorded",
        "<delivery><tls policy='encrypt'/></delivery>|delivery.xml: <tls@policy> = 'encrypt': must be replaced: policy=\"encrypt\" verified the certificate and the MX host name; write level=\"verify\"",
        "<delivery><tls><nexthop name='mx:a.test' policy='encrypt'/></tls></delivery>|delivery.xml: <tls/nexthop@policy> = 'encrypt': must be replaced",
        "<delivery><tls level='may' policy='may'/></delivery>|delivery.xml: <tls@policy> = 'may': must be left out",
        "<delivery><tls><nexthop name='mx:a.test' level='may' match='a.test'/></tls></delivery>|delivery.xml: <tls/nexthop@match> = 'a.test': must be left out",
        "<delivery><tls mtaSts='yes'/></delivery>|delivery.xml: <tls@mtaSts> = 'yes': must be true or false",
        "<delivery><sourceAddress>192.0.2.77</sourceAddress></delivery>|delivery.xml: <sourceAddress> = '192.0.2.77': must be an address of this host",
        "<delivery><connectionCache><maxUses>-1</maxUses></connectionCache></delivery>|delivery.xml: <connectionCache/maxUses> = '-1'",
        "<delivery><retries>3</retries></delivery>|delivery.xml: unknown element <retries>",
        "<delivery><retry><frist>1m</frist></retry></delivery>|delivery.xml: unknown element <retry/frist>; known in <retry>: first, giveUpAfter, max",
        "<delivery><timeouts><helo>1m</helo></timeouts></delivery>|delivery.xml: unknown element <timeouts/helo>; known in <timeouts>: connect, data",
        "<delivery><tls levle='may'/></delivery>|delivery.xml: unknown attribute <tls@levle>; known there: caFile, daneTrustAnchors, level, mtaSts, policy",
        "<delivery><tls><nexthop name='mx:a.test' level='may' mach='a.test'/></tls></delivery>|delivery.xml: unknown attribute <tls/nexthop@mach>",
        "<delivery><queue>out bound</queue></delivery>|delivery.xml: <queue> = 'out bound'",
        "<delivery><delayNotice>4.5h</delayNotice></delivery>|delivery.xml: <delayNotice> = '4.5h': must be a positive duration",
    })
    void aBadValueShouldBeRefusedNamingTheFileElementAndValue(String xml, String message) {
        assertThatThrownBy(() -> parse(xml)).isInstanceOf(ConfigurationException.class).hasMessageStartingWith(message);
    }
}
