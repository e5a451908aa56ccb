package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class UnknownRecipientLimitHookTest {
    @Test
    void theLimitShouldDefaultToTwentyAndBeConfigurable() throws Exception {
        UnknownRecipientLimitHook byDefault = new UnknownRecipientLimitHook();
        byDefault.init(new BaseHierarchicalConfiguration());
        UnknownRecipientLimitHook configured = new UnknownRecipientLimitHook();
        BaseHierarchicalConfiguration conf = new BaseHierarchicalConfiguration();
        conf.addProperty("maxUnknownRecipients", " 5 ");
        configured.init(conf);

        assertThat(byDefault.limit()).isEqualTo(20);
        assertThat(configured.limit()).isEqualTo(5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-3", "many", "2.5"})
    void aBadLimitShouldStopStartUpNamingTheElementAndValue(String value) {
        BaseHierarchicalConfiguration conf = new BaseHierarchicalConfiguration();
        conf.addProperty("maxUnknownRecipients", value);

        assertThatThrownBy(() -> new UnknownRecipientLimitHook().init(conf))
            .hasMessageContaining("smtpserver.xml")
            .hasMessageContaining("<maxUnknownRecipients> = '" + value + "'");
    }
}
