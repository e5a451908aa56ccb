package org.postern.smtp;

import java.util.Set;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.HeloHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailParametersHook;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;

/**
 * SMTPUTF8 (RFC 6531) on the way in: announced in EHLO, accepted on MAIL FROM, and kept on the mail
 * ({@link SenderRequests#SMTPUTF8}) so that delivery passes it on, and refuses a next hop without it (5.6.9).
 * A message with UTF-8 header fields (RFC 6532) thus crosses Postern intact. Addresses themselves must still be
 * ASCII: James 3.8.1 reads SMTP commands as US-ASCII and its {@code MailAddress} refuses non-ASCII local parts, so
 * a UTF-8 address is refused at MAIL or RCPT with James's syntax error.
 *
 * <pre>{@code
 * <handler class="org.postern.smtp.SmtpUtf8Hook"/>
 * }</pre>
 */
public class SmtpUtf8Hook implements HeloHook, MailParametersHook, JamesMessageHook {
    static final String PARAMETER = "SMTPUTF8";
    private static final ProtocolSession.AttachmentKey<Boolean> ASKED = ProtocolSession.AttachmentKey.of("POSTERN_SMTPUTF8", Boolean.class);
    private static final HookResult NO_VALUE = HookResult.builder().hookReturnCode(HookReturnCode.deny()).smtpReturnCode("501")
        .smtpDescription(DSNStatus.getStatus(DSNStatus.PERMANENT, DSNStatus.DELIVERY_INVALID_ARG) + " SMTPUTF8 takes no value").build();

    @Override
    public Set<String> implementedEsmtpFeatures(SMTPSession session) {
        return Set.of(PARAMETER);
    }

    @Override
    public HookResult doHelo(SMTPSession session, String helo) {
        return HookResult.DECLINED;
    }

    @Override
    public HookResult doMailParameter(SMTPSession session, String name, String value) {
        if (value != null && !value.isEmpty()) {
            return NO_VALUE;
        }
        session.setAttachment(ASKED, true, ProtocolSession.State.Transaction);
        return HookResult.DECLINED;
    }

    @Override
    public String[] getMailParamNames() {
        // James upper-cases a parameter's name only when it has a value
        return new String[] {PARAMETER, "smtputf8"};
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        if (session.getAttachment(ASKED, ProtocolSession.State.Transaction).orElse(false)) {
            SenderRequests.set(mail, SenderRequests.SMTPUTF8);
        }
        return HookResult.DECLINED;
    }
}
