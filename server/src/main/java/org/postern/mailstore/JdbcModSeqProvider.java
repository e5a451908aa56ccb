package org.postern.mailstore;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.jpa.JPAId;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.ModSeqProvider;

/** Mod-sequences from {@code JAMES_MAILBOX.MAILBOX_HIGHEST_MODSEQ}, in reserved blocks (see {@link MailboxCounters}). */
@Singleton
public class JdbcModSeqProvider implements ModSeqProvider {
    static final int BLOCK = 64;

    private final MailboxCounters counters;

    @Inject
    public JdbcModSeqProvider(MailboxDatabase database) {
        this.counters = new MailboxCounters(database, "MAILBOX_HIGHEST_MODSEQ", BLOCK);
    }

    @Override
    public ModSeq nextModSeq(Mailbox mailbox) throws MailboxException {
        return nextModSeq(mailbox.getMailboxId());
    }

    @Override
    public ModSeq nextModSeq(MailboxId mailboxId) throws MailboxException {
        return ModSeq.of(counters.next((JPAId) mailboxId));
    }

    @Override
    public ModSeq highestModSeq(Mailbox mailbox) throws MailboxException {
        return highestModSeq(mailbox.getMailboxId());
    }

    @Override
    public ModSeq highestModSeq(MailboxId mailboxId) throws MailboxException {
        return ModSeq.of(counters.highest((JPAId) mailboxId));
    }

    void forget(JPAId mailbox) {
        counters.forget(mailbox);
    }
}
