package org.postern.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.smtp.client.SmtpReply;

class FailurePolicyTest {
    @ParameterizedTest
    @CsvSource(nullValues = "next", value = {
        "250 2.0.0 Ok: queued as X, false, DELIVERED",
        "250 2.0.0 Ok: queued as X, true, DELIVERED",
        "550 5.1.1 no such user, false, FAILED",
        "550 5.1.1 no such user, true, FAILED",
        "450 4.2.1 busy, false, next",
        "450 4.2.1 busy, true, DEFERRED",
        "421 4.3.2 closing, false, next",
    })
    void aReplyInATransactionShouldDecideAsPostfixDoes(String reply, boolean lastHost, RecipientOutcome.Status expected) {
        assertThat(FailurePolicy.afterTransaction(SmtpReply.parse(List.of(reply)), lastHost)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"554 5.7.1 go away, FAILED", "421 4.3.2 busy, DEFERRED", "451 4.4.1 connection refused, DEFERRED"})
    void theLastSessionFailureShouldDecideWhenNoHostTookTheMail(String reply, RecipientOutcome.Status expected) {
        assertThat(FailurePolicy.afterAllHosts(SmtpReply.parse(List.of(reply)))).isEqualTo(expected);
    }
}
