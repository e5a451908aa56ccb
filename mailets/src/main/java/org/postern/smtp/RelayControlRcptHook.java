package org.postern.smtp;

import javax.inject.Inject;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Never an open relay. A recipient outside the local domains is accepted only from an authenticated client or a
 * trusted network ({@code <authorizedAddresses>}); anyone else gets {@code 554 5.7.1 Relay access denied}, as
 * Postfix answers. When the domain list cannot be read, the answer is a temporary {@code 451 4.3.0}: a database
 * hiccup must not turn into a permanent refusal of a local recipient (James's own hook answers 5xx then).
 * Local recipients are left to the user checks that follow.
 *
 * <pre>{@code
 * <handler class="org.postern.smtp.RelayControlRcptHook"/>
 * }</pre>
 */
public class RelayControlRcptHook implements RcptHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(RelayControlRcptHook.class);

    static final HookResult RELAY_DENIED = HookResult.builder()
        .hookReturnCode(HookReturnCode.deny())
        .smtpReturnCode("554")
        .smtpDescription(DSNStatus.getStatus(DSNStatus.PERMANENT, DSNStatus.SECURITY_AUTH) + " Relay access denied")
        .build();
    static final HookResult CANNOT_CHECK_NOW = HookResult.builder()
        .hookReturnCode(HookReturnCode.denySoft())
        .smtpReturnCode("451")
        .smtpDescription(DSNStatus.getStatus(DSNStatus.TRANSIENT, DSNStatus.SYSTEM_OTHER) + " Cannot check the recipient now, try again later")
        .build();

    private final DomainList domains;

    @Inject
    public RelayControlRcptHook(DomainList domains) {
        this.domains = domains;
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress recipient) {
        if (session.isRelayingAllowed()) {
            return HookResult.DECLINED;
        }
        try {
            if (domains.containsDomain(recipient.getDomain())) {
                return HookResult.DECLINED;
            }
        } catch (DomainListException e) {
            LOGGER.warn("RCPT <{}>: domain list unavailable, answering 451", recipient.asString(), e);
            return CANNOT_CHECK_NOW;
        }
        LOGGER.info("RCPT <{}> from {}: relay access denied", recipient.asString(),
            session.getRemoteAddress().getAddress().getHostAddress());
        return RELAY_DENIED;
    }
}
