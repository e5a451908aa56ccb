package org.postern.mailstore;

import java.util.Optional;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.jpa.JPAId;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.UidProvider;

/** Message UIDs from {@code JAMES_MAILBOX.MAILBOX_LAST_UID}, in reserved blocks (see {@link MailboxCounters}). */
@Singleton
public class JdbcUidProvider implements UidProvider {
    static final int BLOCK = 64;

    private final MailboxCounters counters;

    @Inject
    public JdbcUidProvider(MailboxDatabase database) {
        this.counters = new MailboxCounters(database, "MAILBOX_LAST_UID", BLOCK);
    }

    @Override
    public MessageUid nextUid(Mailbox mailbox) throws MailboxException {
        return nextUid(mailbox.getMailboxId());
    }

    @Override
    public MessageUid nextUid(MailboxId mailboxId) throws MailboxException {
        return MessageUid.of(counters.next((JPAId) mailboxId));
    }

    @Override
    public Optional<MessageUid> lastUid(Mailbox mailbox) throws MailboxException {
        long last = counters.highest((JPAId) mailbox.getMailboxId());
        return last == 0 ? Optional.empty() : Optional.of(MessageUid.of(last));
    }

    void forget(JPAId mailbox) {
        counters.forget(mailbox);
    }
}
