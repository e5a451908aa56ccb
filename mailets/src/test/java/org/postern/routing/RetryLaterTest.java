package org.postern.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RetryLaterTest {
    final FakeMailContext context = FakeMailContext.defaultContext();

    RetryLater retryLater(String maxRetries) throws Exception {
        RetryLater mailet = new RetryLater();
        mailet.init(FakeMailetConfig.builder().mailetName("RetryLater").mailetContext(context)
            .setProperty("processor", "relay").setProperty("delay", "5m").setProperty("maxRetries", maxRetries).build());
        return mailet;
    }

    @Test
    void aDeferredMailShouldGoBackToTheSpoolWithItsAttemptCounted() throws Exception {
        Mail mail = FakeMail.builder().name("m").recipient("a@b.test").build();

        retryLater("3").service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(context.getSentMails()).hasSize(1);
        assertThat(context.getSentMails().get(0).getState()).isEqualTo("relay");
        assertThat(context.getSentMails().get(0).getDelay()).isPresent();
    }

    @Test
    void afterMaxRetriesTheMailShouldExpireWith447() throws Exception {
        Mail mail = FakeMail.builder().name("m").recipient("a@b.test").build();
        mail.setAttribute(new Attribute(RoutingAttributes.ATTEMPTS, AttributeValue.of(3)));
        mail.setErrorMessage("4.4.3 DNS timeout");

        retryLater("3").service(mail);

        assertThat(mail.getState()).isEqualTo("bounces");
        assertThat(mail.getErrorMessage()).startsWith("4.4.7 gave up after 3 retries: 4.4.3 DNS timeout");
        assertThat(context.getSentMails()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "delay      | soon | 'delay' = 'soon': must be a positive duration",
        "delay      | 0m   | 'delay' = '0m': must be a positive duration",
        "maxRetries | -2   | 'maxRetries' = '-2': must be a whole number",
        "maxRetries | many | 'maxRetries' = 'many': must be a whole number",
        "unknown    | x    | unknown"})
    void badParametersShouldBeRefusedAtInit(String parameter, String value, String message) {
        RetryLater mailet = new RetryLater();
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("RetryLater").mailetContext(context)
            .setProperty("processor", "relay").setProperty(parameter, value);

        assertThatThrownBy(() -> mailet.init(config.build())).hasMessageContaining(message);
    }
}
