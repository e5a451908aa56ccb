package org.postern.smtp;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;

/**
 * Refuses recipient addresses whose local part hides another address: the percent hack ({@code a%b@here}), bang
 * paths ({@code b!a@here}) and quoted local parts holding {@code @}. No mailbox here has such a name, and a relay
 * must never interpret them, so they get a permanent {@code 553 5.1.3} at RCPT instead of reaching the user
 * lookup (where James answers a temporary 451 for a quoted {@code @}).
 *
 * <pre>{@code
 * <handler class="org.postern.smtp.RecipientSyntaxRcptHook"/>
 * }</pre>
 */
public class RecipientSyntaxRcptHook implements RcptHook {
    static final HookResult ROUTING_IN_LOCAL_PART = HookResult.builder()
        .hookReturnCode(HookReturnCode.deny())
        .smtpReturnCode(SMTPRetCode.SYNTAX_ERROR_MAILBOX)
        .smtpDescription(DSNStatus.getStatus(DSNStatus.PERMANENT, DSNStatus.ADDRESS_SYNTAX)
            + " Bad recipient address syntax: no routing in the local part")
        .build();

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress recipient) {
        return hidesAnotherAddress(recipient) ? ROUTING_IN_LOCAL_PART : HookResult.DECLINED;
    }

    /** A local part with {@code @}, {@code %} or {@code !}: refused by this hook. */
    public static boolean hidesAnotherAddress(MailAddress recipient) {
        String localPart = recipient.getLocalPart();
        return localPart.indexOf('@') >= 0 || localPart.indexOf('%') >= 0 || localPart.indexOf('!') >= 0;
    }

    /** The reply this hook gives, as "553 5.1.3 …". */
    public static String reply() {
        return ROUTING_IN_LOCAL_PART.getSmtpRetCode() + " " + ROUTING_IN_LOCAL_PART.getSmtpDescription();
    }
}
