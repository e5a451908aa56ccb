package org.postern.smtp;

import java.util.HashMap;
import java.util.Map;

import javax.inject.Inject;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.postern.acceptance.DomainKind;
import org.postern.acceptance.RecipientAcceptance;
import org.postern.acceptance.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides each RCPT TO before DATA with {@link RecipientAcceptance}: local users and aliases, verified relay-domain
 * recipients, and (for authenticated clients and trusted networks only) any other domain. Refusals carry an
 * enhanced status: {@code 550 5.1.1} unknown recipient, {@code 554 5.7.1} relay access denied, {@code 450 4.1.1} /
 * {@code 451 4.4.x} when a callout cannot complete, {@code 451 4.3.0} when a store cannot be read. An accepted
 * recipient is left to the hooks that follow (DECLINED), so admins can add their own checks after this one.
 * The domain list is asked once per domain and connection.
 *
 * <pre>{@code
 * <handler class="org.postern.smtp.RecipientAcceptanceHook"/>
 * }</pre>
 */
public class RecipientAcceptanceHook implements RcptHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(RecipientAcceptanceHook.class);
    @SuppressWarnings("rawtypes")
    private static final ProtocolSession.AttachmentKey<Map> DOMAIN_KINDS = ProtocolSession.AttachmentKey.of("postern.domainKinds", Map.class);

    private final RecipientAcceptance acceptance;

    @Inject
    public RecipientAcceptanceHook(RecipientAcceptance acceptance) {
        this.acceptance = acceptance;
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress recipient) {
        Verdict verdict;
        try {
            verdict = acceptance.decide(recipient, kindOf(session, recipient.getDomain()), isRelayAuthorized(session));
        } catch (DomainListException e) {
            LOGGER.warn("RCPT <{}>: domain list unavailable", recipient.asString(), e);
            verdict = new Verdict(Verdict.Kind.TRY_LATER, "451", "4.3.0", "Cannot check the recipient now, try again later");
        }
        if (verdict.accepted()) {
            return HookResult.DECLINED;
        }
        LOGGER.info("RCPT <{}> from {} (sender <{}>): {} {} {}", recipient.asString(),
            session.getRemoteAddress().getAddress().getHostAddress(), sender.asString(), verdict.code(), verdict.status(), verdict.text());
        return HookResult.builder()
            .hookReturnCode(verdict.kind() == Verdict.Kind.TRY_LATER ? HookReturnCode.denySoft() : HookReturnCode.deny())
            .smtpReturnCode(verdict.code())
            .smtpDescription(verdict.status() + " " + verdict.text())
            .build();
    }

    /** Authenticated clients and trusted networks ({@code <authorizedAddresses>}) may relay anywhere. */
    static boolean isRelayAuthorized(SMTPSession session) {
        return session.isRelayingAllowed() || session.getUsername() != null;
    }

    @SuppressWarnings("unchecked")
    private DomainKind kindOf(SMTPSession session, Domain domain) throws DomainListException {
        Map<Domain, DomainKind> kinds = session.getAttachment(DOMAIN_KINDS, ProtocolSession.State.Connection).orElse(null);
        if (kinds == null) {
            kinds = new HashMap<>();
            session.setAttachment(DOMAIN_KINDS, kinds, ProtocolSession.State.Connection);
        }
        DomainKind kind = kinds.get(domain);
        if (kind == null) {
            kind = acceptance.kindOf(domain);
            if (kinds.size() < 100) {
                kinds.put(domain, kind);
            }
        }
        return kind;
    }
}
