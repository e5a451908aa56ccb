package org.postern.smtp;

import java.util.Set;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HeloHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailParametersHook;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;

/**
 * REQUIRETLS (RFC 8689) on the way in: announced in EHLO only once the session is TLS (section 4.1), accepted on
 * MAIL FROM only then (530 5.7.10 otherwise), and kept on the mail ({@link SenderRequests#REQUIRETLS}): delivery
 * sends such a message only over a verified TLS session to a next hop that offers REQUIRETLS, and passes the
 * parameter on, else it bounces with 5.7.10.
 *
 * <pre>{@code
 * <handler class="org.postern.smtp.RequireTlsHook"/>
 * }</pre>
 */
public class RequireTlsHook implements HeloHook, MailParametersHook, JamesMessageHook {
    static final String PARAMETER = "REQUIRETLS";
    private static final ProtocolSession.AttachmentKey<Boolean> ASKED = ProtocolSession.AttachmentKey.of("POSTERN_REQUIRETLS", Boolean.class);
    private static final HookResult NOT_OVER_TLS = HookResult.builder().hookReturnCode(HookReturnCode.deny()).smtpReturnCode("530")
        .smtpDescription("5.7.10 REQUIRETLS needs a TLS session (STARTTLS first)").build();
    private static final HookResult NO_VALUE = HookResult.builder().hookReturnCode(HookReturnCode.deny()).smtpReturnCode("501")
        .smtpDescription("5.5.4 REQUIRETLS takes no value").build();

    @Override
    public Set<String> implementedEsmtpFeatures(SMTPSession session) {
        return session.isTLSStarted() ? Set.of(PARAMETER) : Set.of();
    }

    @Override
    public HookResult doHelo(SMTPSession session, String helo) {
        return HookResult.DECLINED;
    }

    @Override
    public HookResult doMailParameter(SMTPSession session, String name, String value) {
        if (!session.isTLSStarted()) {
            return NOT_OVER_TLS;
        }
        if (value != null && !value.isEmpty()) {
            return NO_VALUE;
        }
        session.setAttachment(ASKED, true, ProtocolSession.State.Transaction);
        return HookResult.DECLINED;
    }

    @Override
    public String[] getMailParamNames() {
        // James upper-cases a parameter's name only when it has a value
        return new String[] {PARAMETER, "requiretls"};
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        if (session.getAttachment(ASKED, ProtocolSession.State.Transaction).orElse(false)) {
            SenderRequests.set(mail, SenderRequests.REQUIRETLS);
        }
        return HookResult.DECLINED;
    }
}
