package org.postern.dsn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.DsnParameters.Notify;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;

class DsnRequestTest {
    private static DsnRequest request() throws Exception {
        DsnParameters parameters = DsnParameters.builder()
            .envId(DsnParameters.EnvId.of("env-1"))
            .ret(DsnParameters.Ret.HDRS)
            .addRcptParameter(new MailAddress("never@dest.test"), DsnParameters.RecipientDsnParameters.of(EnumSet.of(Notify.NEVER)))
            .addRcptParameter(new MailAddress("all@dest.test"), DsnParameters.RecipientDsnParameters.of(
                EnumSet.of(Notify.SUCCESS, Notify.FAILURE, Notify.DELAY), new MailAddress("Orig@old.test")))
            .addRcptParameter(new MailAddress("success@dest.test"), DsnParameters.RecipientDsnParameters.of(EnumSet.of(Notify.SUCCESS)))
            .build().orElseThrow();
        FakeMail mail = FakeMail.builder().name("m").sender("s@example.test").recipients("never@dest.test", "all@dest.test",
            "success@dest.test", "plain@dest.test").build();
        mail.setDsnParameters(parameters);
        return DsnRequest.of(mail);
    }

    @Test
    void notifyShouldDecideWhichNotificationIsDue() throws Exception {
        DsnRequest request = request();

        for (DsnRequest.Kind kind : DsnRequest.Kind.values()) {
            assertThat(request.due("never@dest.test", kind)).as("NEVER " + kind).isFalse();
            assertThat(request.due("all@dest.test", kind)).as("all " + kind).isTrue();
        }
        assertThat(request.due("success@dest.test", DsnRequest.Kind.SUCCESS)).isTrue();
        assertThat(request.due("success@dest.test", DsnRequest.Kind.FAILURE)).isFalse();
        assertThat(request.due("plain@dest.test", DsnRequest.Kind.FAILURE)).as("absent NOTIFY: failure").isTrue();
        assertThat(request.due("plain@dest.test", DsnRequest.Kind.DELAY)).as("absent NOTIFY: delay").isTrue();
        assertThat(request.due("plain@dest.test", DsnRequest.Kind.SUCCESS)).as("absent NOTIFY: no success").isFalse();
    }

    @Test
    void parametersShouldBePassedOnAsGiven() throws Exception {
        DsnRequest request = request();

        assertThat(request.mailParameters()).isEqualTo(" RET=HDRS ENVID=env-1");
        assertThat(request.rcptParameters("ALL@dest.test")).isEqualTo(" NOTIFY=SUCCESS,FAILURE,DELAY ORCPT=rfc822;Orig@old.test");
        assertThat(request.rcptParameters("plain@dest.test")).isEmpty();
        assertThat(request.returnsFullMessage(DsnRequest.Kind.FAILURE)).isFalse();
        assertThat(DsnRequest.NONE.returnsFullMessage(DsnRequest.Kind.FAILURE)).isTrue();
        assertThat(DsnRequest.NONE.returnsFullMessage(DsnRequest.Kind.DELAY)).isFalse();
    }

    @Test
    void theMatcherShouldKeepOnlyTheRecipientsAskingForThatNotice() throws Exception {
        DsnParameters parameters = DsnParameters.builder()
            .addRcptParameter(new MailAddress("never@dest.test"), DsnParameters.RecipientDsnParameters.of(EnumSet.of(Notify.NEVER)))
            .build().orElseThrow();
        FakeMail mail = FakeMail.builder().name("m").sender("s@example.test").recipients("never@dest.test", "plain@dest.test").build();
        mail.setDsnParameters(parameters);
        RecipientAsksForDsn matcher = new RecipientAsksForDsn();
        matcher.init(FakeMatcherConfig.builder().matcherName("RecipientAsksForDsn").condition("failure").build());

        assertThat(matcher.match(mail)).containsExactly(new MailAddress("plain@dest.test"));
        assertThatThrownBy(() -> new RecipientAsksForDsn().init(FakeMatcherConfig.builder().matcherName("RecipientAsksForDsn")
            .condition("always").build())).isInstanceOf(MessagingException.class)
            .hasMessage("RecipientAsksForDsn: condition 'always' must be failure, delay or success");
    }
}
