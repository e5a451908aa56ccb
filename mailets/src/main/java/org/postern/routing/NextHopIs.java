package org.postern.routing;

import java.util.Collection;
import java.util.List;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

/**
 * Matches mail whose recorded next hop ({@link ResolveNextHop}) is the one named, port optional:
 * {@code NextHopIs=smtp:[relay.corp.example]} matches {@code smtp:[relay.corp.example]:25};
 * {@code NextHopIs=mx} matches every {@code mx:domain}; also {@code local}, {@code discard}, {@code error}.
 *
 * <pre>{@code
 * <mailet match="NextHopIs=discard" class="Null"/>
 * }</pre>
 */
public class NextHopIs extends GenericMatcher {
    private String expected;

    @Override
    public void init() throws MessagingException {
        String condition = getCondition();
        if (condition == null || condition.isBlank()) {
            throw new MessagingException("NextHopIs needs a next hop, e.g. NextHopIs=smtp:[relay.example] or NextHopIs=local");
        }
        expected = condition.trim();
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return RoutingAttributes.nextHop(mail)
            .filter(nextHop -> nextHop.isNamedBy(expected))
            .map(any -> mail.getRecipients())
            .orElse(List.of());
    }

    @Override
    public String getMatcherInfo() {
        return "Postern: the mail's next hop is " + expected;
    }
}
