package org.postern.dsn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postern.ledger.NoDeliveryLedger;
import org.postern.routing.RoutingAttributes;

/** Where a failure notice takes its status and diagnostic from; the server test reads whole notices over POP3. */
class SendFailureNoticeTest {
    private static final ConfigurationProvider NO_DELIVERY_XML = (component, level) -> new BaseHierarchicalConfiguration();

    private static SendFailureNotice mailet(String status, String diagnostic) throws Exception {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("notice");
        if (status != null) {
            config.setProperty("status", status);
        }
        if (diagnostic != null) {
            config.setProperty("diagnostic", diagnostic);
        }
        SendFailureNotice mailet = new SendFailureNotice(NO_DELIVERY_XML, new NoDeliveryLedger());
        mailet.init(config.build());
        return mailet;
    }

    @Test
    void routingErrorShouldGiveItsStatusAndReason() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").build();
        mail.setAttribute(new Attribute(RoutingAttributes.ERROR, AttributeValue.of("5.1.10 null MX: nullmx.test accepts no mail")));

        assertThat(mailet("5.0.0", null).reason(mail))
            .isEqualTo(new SendFailureNotice.Reason("5.1.10", "null MX: nullmx.test accepts no mail"));
    }

    @Test
    void statusLeadingTheErrorMessageShouldWin() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").errorMessage("550 5.1.1 Recipient address rejected: no such user here").build();

        assertThat(mailet("5.7.1", "other").reason(mail))
            .isEqualTo(new SendFailureNotice.Reason("5.1.1", "Recipient address rejected: no such user here"));
    }

    @Test
    void parametersShouldApplyWhenTheMailCarriesNoStatus() throws Exception {
        FakeMail plain = FakeMail.builder().name("m").build();
        FakeMail withText = FakeMail.builder().name("m").errorMessage("no status here").build();

        assertThat(mailet("5.7.1", "Relay access denied").reason(plain)).isEqualTo(new SendFailureNotice.Reason("5.7.1", "Relay access denied"));
        assertThat(mailet("5.3.0", null).reason(withText)).isEqualTo(new SendFailureNotice.Reason("5.3.0", "no status here"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "5.1", "2.0.0", "550"})
    void initShouldRefuseAStatusThatIsNotAFailureStatus(String status) {
        assertThatThrownBy(() -> mailet(status, null))
            .isInstanceOf(MailetException.class)
            .hasMessageContaining("notice: 'status' = '" + status + "'");
    }
}
