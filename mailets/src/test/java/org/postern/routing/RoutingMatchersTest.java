package org.postern.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RoutingMatchersTest {
    static Mail mailWith(String nextHop, String error) throws Exception {
        FakeMail mail = FakeMail.builder().name("m").recipient("a@b.test").build();
        if (nextHop != null) {
            mail.setAttribute(new Attribute(RoutingAttributes.NEXT_HOP, AttributeValue.of(nextHop)));
        }
        if (error != null) {
            mail.setAttribute(new Attribute(RoutingAttributes.ERROR, AttributeValue.of(error)));
        }
        return mail;
    }

    static NextHopIs nextHopIs(String condition) throws Exception {
        NextHopIs matcher = new NextHopIs();
        matcher.init(FakeMatcherConfig.builder().matcherName("NextHopIs").condition(condition).build());
        return matcher;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "smtp:[relay.corp.example]     | smtp:[relay.corp.example]:25 | true",
        "smtp:[relay.corp.example]:25  | smtp:[relay.corp.example]:25 | true",
        "smtp:[relay.corp.example]:2525| smtp:[relay.corp.example]:25 | false",
        "mx                            | mx:example.com               | true",
        "local                         | mx:example.com               | false",
        "smtp:[relay.corp]             | smtp:[relay.corp.example]:25 | false"})
    void nextHopIsShouldCompareWithAnOptionalPort(String condition, String recorded, boolean matches) throws Exception {
        Mail mail = mailWith(recorded, null);

        assertThat(nextHopIs(condition).match(mail)).hasSize(matches ? 1 : 0);
    }

    @Test
    void nextHopIsShouldNotMatchAnUnroutedMail() throws Exception {
        assertThat(nextHopIs("mx").match(mailWith(null, null))).isEmpty();
    }

    @Test
    void nextHopIsShouldRefuseAnEmptyCondition() {
        assertThatThrownBy(() -> nextHopIs("")).hasMessageContaining("NextHopIs needs a next hop");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "permanent | 5.1.2 domain x.test not found in DNS | true",
        "permanent | 4.4.3 DNS timeout                    | false",
        "temporary | 4.4.3 DNS timeout                    | true",
        "''        | 4.4.3 DNS timeout                    | true"})
    void hasRoutingErrorShouldTellPermanentFromTemporary(String condition, String error, boolean matches) throws Exception {
        HasRoutingError matcher = new HasRoutingError();
        matcher.init(FakeMatcherConfig.builder().matcherName("HasRoutingError").condition(condition).build());

        assertThat(matcher.match(mailWith("error", error))).hasSize(matches ? 1 : 0);
        assertThat(matcher.match(mailWith("mx:b.test", null))).isEmpty();
    }

    @Test
    void hasRoutingErrorShouldRefuseAnUnknownCondition() {
        HasRoutingError matcher = new HasRoutingError();

        assertThatThrownBy(() -> matcher.init(FakeMatcherConfig.builder().matcherName("HasRoutingError").condition("soon").build()))
            .hasMessageContaining("'soon' must be permanent, temporary or empty");
    }
}
