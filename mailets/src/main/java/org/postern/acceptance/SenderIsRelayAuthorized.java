package org.postern.acceptance;

import java.util.Collection;
import java.util.List;

import org.apache.james.core.MailAddress;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;

/**
 * Matches every recipient of mail that may be relayed anywhere: sent by an authenticated SMTP client, by a client in
 * a trusted network ({@code <authorizedAddresses>} in smtpserver.xml, recorded on the mail by James), or created by
 * a mailet here (bounces, notifications). It re-checks in the pipeline what {@code RecipientAcceptanceHook} allowed.
 *
 * <pre>{@code
 * <mailet match="org.postern.acceptance.SenderIsRelayAuthorized" class="ToProcessor">
 *     <processor>relay</processor>
 * </mailet>
 * }</pre>
 */
public class SenderIsRelayAuthorized extends NoConditionMatcher {
    static final AttributeName TRUSTED_NETWORK = AttributeName.of("org.apache.james.SMTPIsAuthNetwork");

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return isRelayAuthorized(mail) ? mail.getRecipients() : List.of();
    }

    static boolean isRelayAuthorized(Mail mail) {
        boolean trustedNetwork = mail.getAttribute(TRUSTED_NETWORK)
            .flatMap(attribute -> attribute.getValue().valueAs(Boolean.class))
            .orElse(false);
        return trustedNetwork
            || mail.getAttribute(Mail.SMTP_AUTH_USER).isPresent()
            || mail.getAttribute(Mail.SENT_BY_MAILET_ATTRIBUTE.getName()).isPresent();
    }

    @Override
    public String getMatcherInfo() {
        return "Postern: mail from an authenticated client, a trusted network or a mailet";
    }
}
