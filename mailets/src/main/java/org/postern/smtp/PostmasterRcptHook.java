package org.postern.smtp;

import javax.inject.Inject;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.RcptHook;

/**
 * RFC 5321 4.5.1: {@code postmaster@} every local domain is always accepted, whether or not a user of that name
 * exists (the pipeline's {@code PostmasterAlias} hands it to the configured postmaster). Foreign postmasters are
 * left to relay control. List it after {@code RelayControlRcptHook} and before {@code ValidRcptHandler}.
 *
 * <pre>{@code
 * <handler class="org.postern.smtp.PostmasterRcptHook"/>
 * }</pre>
 */
public class PostmasterRcptHook implements RcptHook {
    private final DomainList domains;

    @Inject
    public PostmasterRcptHook(DomainList domains) {
        this.domains = domains;
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress recipient) {
        if (!recipient.getLocalPart().equalsIgnoreCase("postmaster")) {
            return HookResult.DECLINED;
        }
        try {
            return domains.containsDomain(recipient.getDomain()) ? HookResult.OK : HookResult.DECLINED;
        } catch (DomainListException e) {
            return HookResult.DECLINED;
        }
    }
}
