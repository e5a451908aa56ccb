package org.postern.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.time.Duration;
import java.util.Optional;

import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.io.FileHandler;
import org.apache.james.core.Domain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RelayDomainsTest {
    static RelayDomains parse(String xml) throws Exception {
        XMLConfiguration conf = new XMLConfiguration();
        new FileHandler(conf).load(new StringReader(xml));
        return RelayDomains.from(conf);
    }

    @Test
    void eachDomainShouldCarryItsVerificationAndTheCalloutSettingsTheirValues() throws Exception {
        RelayDomains domains = parse("<relaydomains><callout><positiveTtl>2h</positiveTtl><timeout>5s</timeout>"
            + "<heloName>mx.test</heloName></callout>"
            + "<domain name='Partner.Test' verify='list'/><domain name='branch.test' verify='callout'/>"
            + "<domain name='legacy.test' verify='accept-all'/><domain name='plain.test'/></relaydomains>");

        assertThat(domains.verificationOf(Domain.of("partner.test"))).contains(Verification.LIST);
        assertThat(domains.verificationOf(Domain.of("branch.test"))).contains(Verification.CALLOUT);
        assertThat(domains.verificationOf(Domain.of("legacy.test"))).contains(Verification.ACCEPT_ALL);
        assertThat(domains.verificationOf(Domain.of("plain.test"))).contains(Verification.CALLOUT);
        assertThat(domains.verificationOf(Domain.of("other.test"))).isEmpty();
        assertThat(domains.recipientList()).contains(RelayDomains.DEFAULT_RECIPIENT_LIST);
        assertThat(domains.callout()).isEqualTo(new CalloutSettings(Duration.ofHours(2), Duration.ofMinutes(10), Duration.ofSeconds(5)));
    }

    @Test
    void anEmptyFileShouldMeanNoRelayDomains() throws Exception {
        RelayDomains domains = parse("<relaydomains/>");

        assertThat(domains.domains()).isEmpty();
        assertThat(domains.recipientList()).isEqualTo(Optional.empty());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<domain name='a.test' verify='ldap'/>                      | verify = 'ldap': must be list, callout or accept-all",
        "<domain name='a.test'/><domain name='A.test'/>             | <domain> name = 'a.test': listed twice",
        "<domain name='not a domain'/>                              | <domain> name = 'not a domain': must be a domain name",
        "<domain/>                                                  | <domain> name = '': must be a domain name",
        "<callout><negativeTtl>ten minutes</negativeTtl></callout>  | <callout><negativeTtl> = 'ten minutes': must be a duration"})
    void aBadValueShouldNameTheFileTheElementAndTheValue(String body, String message) {
        assertThatThrownBy(() -> parse("<relaydomains>" + body + "</relaydomains>"))
            .isInstanceOf(org.apache.commons.configuration2.ex.ConfigurationException.class)
            .hasMessageStartingWith("relaydomains.xml: ")
            .hasMessageContaining(message);
    }
}
