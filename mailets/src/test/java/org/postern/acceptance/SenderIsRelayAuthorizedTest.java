package org.postern.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;

class SenderIsRelayAuthorizedTest {
    final SenderIsRelayAuthorized matcher = new SenderIsRelayAuthorized();

    FakeMail mail() throws MessagingException {
        return FakeMail.builder().name("m1").sender("someone@sender.test")
            .recipients(new MailAddress("a@elsewhere.test"), new MailAddress("b@elsewhere.test")).build();
    }

    @Test
    void mailFromAnUntrustedUnauthenticatedClientShouldNotMatch() throws Exception {
        matcher.init(FakeMatcherConfig.builder().matcherName("SenderIsRelayAuthorized").build());

        assertThat(matcher.match(mail())).isEmpty();
    }

    @Test
    void anAuthenticatedClientATrustedNetworkOrAMailetShouldMatchEveryRecipient() throws Exception {
        matcher.init(FakeMatcherConfig.builder().matcherName("SenderIsRelayAuthorized").build());
        FakeMail authenticated = mail();
        authenticated.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("user@example.test")));
        FakeMail trusted = mail();
        trusted.setAttribute(new Attribute(SenderIsRelayAuthorized.TRUSTED_NETWORK, AttributeValue.of(true)));
        FakeMail untrustedFlag = mail();
        untrustedFlag.setAttribute(new Attribute(SenderIsRelayAuthorized.TRUSTED_NETWORK, AttributeValue.of(false)));
        FakeMail bounce = mail();
        bounce.setAttribute(Mail.SENT_BY_MAILET_ATTRIBUTE);

        assertThat(matcher.match(authenticated)).hasSize(2);
        assertThat(matcher.match(trusted)).hasSize(2);
        assertThat(matcher.match(bounce)).hasSize(2);
        assertThat(matcher.match(untrustedFlag)).isEmpty();
    }

    @Test
    void aConditionShouldBeRefusedAtStartUp() {
        assertThatThrownBy(() -> matcher.init(FakeMatcherConfig.builder().matcherName("SenderIsRelayAuthorized").condition("127.0.0.1").build()))
            .hasMessageContaining("SenderIsRelayAuthorized condition = '127.0.0.1': this matcher takes no condition");
    }
}
