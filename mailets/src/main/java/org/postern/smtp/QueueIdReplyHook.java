package org.postern.smtp;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.Hook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookResultHook;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.james.smtpserver.SMTPConstants;
import org.apache.mailet.Mail;

/**
 * Names the queue id in the reply to the end of DATA, as Postfix does ({@code 250 2.6.0 Message received: <id>}),
 * so that a sender's log and ours can be matched line for line.
 *
 * <p>It only rewrites the acceptance given by a James message hook (the spool hand-off), and only once that hook
 * has answered OK, that is once the message is in the persistent spool.</p>
 *
 * <pre>{@code
 * <handlerchain>
 *     <handler class="org.postern.smtp.QueueIdReplyHook"/>
 *     <handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/>
 * </handlerchain>
 * }</pre>
 */
public class QueueIdReplyHook implements HookResultHook {
    static final String ACCEPTED_STATUS = DSNStatus.getStatus(DSNStatus.SUCCESS, DSNStatus.CONTENT_OTHER);

    @Override
    public HookResult onHookResult(SMTPSession session, HookResult result, long executionTime, Hook hook) {
        if (!(hook instanceof JamesMessageHook) || result.getResult().getAction() != HookReturnCode.Action.OK) {
            return result;
        }
        return session.getAttachment(SMTPConstants.MAIL, ProtocolSession.State.Transaction)
            .map(Mail::getName)
            .map(queueId -> HookResult.builder()
                .hookReturnCode(result.getResult())
                .smtpDescription(ACCEPTED_STATUS + " Message received: " + queueId)
                .build())
            .orElse(result);
    }
}
