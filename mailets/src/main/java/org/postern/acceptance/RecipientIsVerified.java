package org.postern.acceptance;

import java.util.Collection;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

/**
 * Matches the recipients that exist in a domain Postern answers for: a local user or alias, or a relay-domain
 * recipient verified as its domain says (list, callout, accept-all), and postmaster@ those domains. It re-checks in
 * the pipeline what {@code RecipientAcceptanceHook} decided at RCPT time. A callout answer comes from the cache that
 * RCPT filled; when a check cannot complete now (a store or the next hop is unavailable) the recipient counts as
 * verified: it was accepted at RCPT, and delivery will find out. Recipients of other domains never match.
 *
 * <pre>{@code
 * <mailet notmatch="org.postern.acceptance.RecipientIsVerified" class="ToProcessor">
 *     <processor>local-address-error</processor>
 * </mailet>
 * }</pre>
 */
public class RecipientIsVerified extends NoConditionMatcher {
    private final RecipientAcceptance acceptance;

    @Inject
    public RecipientIsVerified(RecipientAcceptance acceptance) {
        this.acceptance = acceptance;
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return mail.getRecipients().stream()
            .filter(this::verified)
            .collect(Collectors.toList());
    }

    private boolean verified(MailAddress recipient) {
        Verdict verdict = acceptance.decide(recipient, false);
        return verdict.kind() == Verdict.Kind.ACCEPT || verdict.kind() == Verdict.Kind.TRY_LATER;
    }

    @Override
    public String getMatcherInfo() {
        return "Postern: recipients verified to exist in a local or relay domain";
    }
}
