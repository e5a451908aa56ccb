package org.postern.acceptance;

import java.util.Collection;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

/**
 * Matches the recipients in a relay domain of {@code relaydomains.xml} (mail Postern accepts for downstream
 * servers, from any client).
 *
 * <pre>{@code
 * <mailet match="org.postern.acceptance.RecipientIsInRelayDomain" class="ToProcessor">
 *     <processor>relay-domain</processor>
 * </mailet>
 * }</pre>
 */
public class RecipientIsInRelayDomain extends NoConditionMatcher {
    private final RecipientAcceptance acceptance;

    @Inject
    public RecipientIsInRelayDomain(RecipientAcceptance acceptance) {
        this.acceptance = acceptance;
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return mail.getRecipients().stream()
            .filter(recipient -> acceptance.isRelayDomain(recipient.getDomain()))
            .collect(Collectors.toList());
    }

    @Override
    public String getMatcherInfo() {
        return "Postern: recipients in a relay domain";
    }
}
