package org.postern.dsn;

import java.util.Collection;
import java.util.Locale;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

/**
 * Matches the recipients whose RCPT NOTIFY asks for a notification of one kind, as {@link DsnRequest#due} decides
 * (an absent NOTIFY asks for failure and delay; NEVER for nothing): {@code RecipientAsksForDsn=failure},
 * {@code =delay} or {@code =success}. Lets James's own DSN mailets honour NOTIFY=NEVER, which they do not in 3.8.1.
 *
 * <pre>{@code
 * <mailet match="org.postern.dsn.RecipientAsksForDsn=failure" class="DSNBounce"><passThrough>false</passThrough></mailet>
 * <mailet match="All" class="Null"/>
 * }</pre>
 */
public class RecipientAsksForDsn extends GenericMatcher {
    private DsnRequest.Kind kind;

    @Override
    public void init() throws MessagingException {
        String condition = getCondition() == null ? "" : getCondition().trim();
        try {
            kind = DsnRequest.Kind.valueOf(condition.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new MessagingException("RecipientAsksForDsn: condition '" + condition + "' must be failure, delay or success");
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        DsnRequest dsn = DsnRequest.of(mail);
        return mail.getRecipients().stream().filter(recipient -> dsn.due(recipient.asString(), kind)).toList();
    }

    @Override
    public String getMatcherInfo() {
        return "Postern: recipients whose NOTIFY asks for a " + kind.name().toLowerCase(Locale.ROOT) + " notification";
    }
}
