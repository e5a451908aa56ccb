package org.postern.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.time.Duration;

import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.io.FileHandler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

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
        assertThat(settings.defaultTls()).isEqualTo(TlsPolicy.MAY);
        assertThat(settings.timeouts()).isEqualTo(DeliverySettings.Timeouts.DEFAULT);
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
            + "<tls policy='none'><nexthop name='smtp:[10.0.0.5]:25' policy='encrypt'/></tls><maxReceivedHeaders>30</maxReceivedHeaders>"
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
        assertThat(settings.tlsFor("smtp:[10.0.0.5]:25")).isEqualTo(TlsPolicy.ENCRYPT);
        assertThat(settings.tlsFor("mx:example.com")).isEqualTo(TlsPolicy.NONE);
        assertThat(settings.maxReceivedHeaders()).isEqualTo(30);
        assertThat(settings.delayNotice()).isEqualTo(Duration.ofMinutes(30));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<delivery><threads>0</threads></delivery>|delivery.xml: <threads> = '0': must be a whole number, 1 or more",
        "<delivery><retry><first>soon</first></retry></delivery>|delivery.xml: <retry/first> = 'soon': must be a positive duration",
        "<delivery><retry><first>2h</first><max>1h</max></retry></delivery>|delivery.xml: <retry>: max (PT1H) must not be shorter than first (PT2H)",
        "<delivery><timeouts><rcpt>5 min</rcpt></timeouts></delivery>|delivery.xml: <timeouts/rcpt> = '5 min'",
        "<delivery><tls policy='always'/></delivery>|delivery.xml: <tls@policy> = 'always': must be none, may or encrypt",
        "<delivery><tls><nexthop policy='may'/></tls></delivery>|delivery.xml: <tls/nexthop@name> = ''",
        "<delivery><connectionCache><maxUses>-1</maxUses></connectionCache></delivery>|delivery.xml: <connectionCache/maxUses> = '-1'",
        "<delivery><retries>3</retries></delivery>|delivery.xml: unknown element <retries>",
        "<delivery><queue>out bound</queue></delivery>|delivery.xml: <queue> = 'out bound'",
        "<delivery><delayNotice>4 hours</delayNotice></delivery>|delivery.xml: <delayNotice> = '4 hours': must be a positive duration",
    })
    void aBadValueShouldBeRefusedNamingTheFileElementAndValue(String xml, String message) {
        assertThatThrownBy(() -> parse(xml)).isInstanceOf(ConfigurationException.class).hasMessageStartingWith(message);
    }
}
