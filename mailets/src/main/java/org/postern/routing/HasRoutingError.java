package org.postern.routing;

import java.util.Collection;
import java.util.List;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

/**
 * Matches mail for which {@link ResolveNextHop} found no route: {@code HasRoutingError=permanent} (5.x.x: NXDOMAIN,
 * null MX, an {@code error:5...} table entry), {@code HasRoutingError=temporary} (4.x.x: DNS failure or timeout),
 * or both without a condition.
 *
 * <pre>{@code
 * <mailet match="HasRoutingError=permanent" class="ToProcessor"><processor>bounces</processor></mailet>
 * }</pre>
 */
public class HasRoutingError extends GenericMatcher {
    private String statusPrefix;

    @Override
    public void init() throws MessagingException {
        String condition = getCondition() == null ? "" : getCondition().trim();
        statusPrefix = switch (condition) {
            case "" -> "";
            case "permanent" -> "5";
            case "temporary" -> "4";
            default -> throw new MessagingException("HasRoutingError: condition '" + condition + "' must be permanent, temporary or empty");
        };
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return mail.getAttribute(RoutingAttributes.ERROR)
            .flatMap(attribute -> attribute.getValue().valueAs(String.class))
            .filter(error -> error.startsWith(statusPrefix))
            .map(any -> mail.getRecipients())
            .orElse(List.of());
    }

    @Override
    public String getMatcherInfo() {
        return "Postern: no route for the mail" + (statusPrefix.isEmpty() ? "" : " (" + getCondition() + ")");
    }
}
