package org.postern.smtp;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.Hook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookResultHook;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.postern.config.HandlerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down directory-harvest attacks, like Postfix's smtpd_hard_error_limit: a session may be told "unknown
 * recipient" (550, from any RCPT hook) {@code maxUnknownRecipients} times (default 20); the next unknown
 * recipient gets {@code 421 4.7.0} and the connection is closed.
 *
 * <pre>{@code
 * <handler class="org.postern.smtp.UnknownRecipientLimitHook">
 *     <maxUnknownRecipients>20</maxUnknownRecipients>
 * </handler>
 * }</pre>
 */
public class UnknownRecipientLimitHook implements HookResultHook, ProtocolHandler {
    private static final Logger LOGGER = LoggerFactory.getLogger(UnknownRecipientLimitHook.class);
    static final int DEFAULT_LIMIT = 20;
    private static final ProtocolSession.AttachmentKey<Integer> UNKNOWN = ProtocolSession.AttachmentKey.of("postern.unknownRecipients", Integer.class);
    static final HookResult TOO_MANY = HookResult.builder()
        .hookReturnCode(HookReturnCode.disconnected(HookReturnCode.Action.DENYSOFT))
        .smtpReturnCode("421")
        .smtpDescription(DSNStatus.getStatus(DSNStatus.TRANSIENT, DSNStatus.SECURITY_OTHER) + " Too many unknown recipients, closing connection")
        .build();

    private int limit = DEFAULT_LIMIT;

    @Override
    public void init(Configuration config) throws ConfigurationException {
        limit = HandlerSettings.of(config, "smtpserver.xml", getClass(), "maxUnknownRecipients").positive("maxUnknownRecipients", DEFAULT_LIMIT);
    }

    @Override
    public HookResult onHookResult(SMTPSession session, HookResult result, long executionTime, Hook hook) {
        if (!(hook instanceof RcptHook) || !"550".equals(result.getSmtpRetCode())) {
            return result;
        }
        int unknown = session.getAttachment(UNKNOWN, ProtocolSession.State.Connection).orElse(0) + 1;
        session.setAttachment(UNKNOWN, unknown, ProtocolSession.State.Connection);
        if (unknown <= limit) {
            return result;
        }
        LOGGER.warn("{} unknown recipients from {}: closing the session (421 4.7.0)", unknown,
            session.getRemoteAddress().getAddress().getHostAddress());
        return TOO_MANY;
    }

    int limit() {
        return limit;
    }
}
