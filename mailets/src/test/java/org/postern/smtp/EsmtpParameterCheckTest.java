package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The parameter decisions of MAIL FROM and RCPT TO, as a table (the server test drives them over SMTP). */
class EsmtpParameterCheckTest {
    static final Set<String> MAIL = Set.of("SIZE", "BODY", "RET", "ENVID", "AUTH", "REQUIRETLS");
    static final Set<String> RCPT = Set.of("NOTIFY", "ORCPT");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "MAIL | FROM:<a@b.test>                                       | ok",
        "MAIL | FROM:<a@b.test> SIZE=10 BODY=7bit RET=full ENVID=x+2By | ok",
        "MAIL | FROM:<a@b.test> AUTH=<> BODY=8BITMIME                 | ok",
        "MAIL | FROM:<a@b.test> FOO=BAR                               | 555",
        "MAIL | FROM:<a@b.test> foo                                   | 555",
        "MAIL | FROM:<a@b.test> SIZE                                  | 501",
        "MAIL | FROM:<a@b.test> SIZE=1e3                              | 501",
        "MAIL | FROM:<a@b.test> BODY=BINARYMIME                       | 501",
        "MAIL | FROM:<a@b.test> RET=ALL                               | 501",
        "MAIL | FROM:<a@b.test> ENVID=a=b                             | 501",
        "MAIL | FROM:<a@b.test> RET=FULL RET=HDRS                     | 501",
        "MAIL | FROM:a@b.test FOO=BAR                                 | ok",
        "MAIL | FROM:<a@b.test> REQUIRETLS                            | ok",
        "MAIL | FROM:<a@b.test> REQUIRETLS=YES                        | 501",
        "RCPT | TO:<c@d.test> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;c@d.test | ok",
        "RCPT | TO:<c@d.test> NOTIFY=NEVER                            | ok",
        "RCPT | TO:<c@d.test> NOTIFY=NEVER,DELAY                      | 501",
        "RCPT | TO:<c@d.test> NOTIFY=DELAY,DELAY                      | 501",
        "RCPT | TO:<c@d.test> ORCPT=c@d.test                          | 501",
        "RCPT | TO:<c@d.test> SIZE=10                                 | 555",
    })
    void parametersShouldBeJudgedStrictly(String command, String argument, String expected) {
        boolean mail = command.equals("MAIL");

        Optional<String> problem = EsmtpParameterCheck.parameters(argument, mail)
            .flatMap(parameters -> EsmtpParameterCheck.check(parameters, mail ? MAIL : RCPT));

        if (expected.equals("ok")) {
            assertThat(problem).isEmpty();
        } else {
            assertThat(problem).hasValueSatisfying(reply -> assertThat(reply).startsWith(expected + " 5.5.4"));
        }
    }
}
