package org.postern.pop3;

import javax.inject.Inject;
import javax.inject.Named;

import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.pop3server.mailbox.MailboxAdapterFactory;
import org.apache.james.protocols.pop3.mailbox.Mailbox;

/** James's POP3 server opens each session's mailbox through this: a {@link ReadAheadMailbox}. */
public class ReadAheadMailboxFactory implements MailboxAdapterFactory {
    private final MailboxManager mailboxManager;
    private final MaildropReader maildrop;
    private final Pop3Metrics metrics;

    @Inject
    public ReadAheadMailboxFactory(@Named("mailboxmanager") MailboxManager mailboxManager, MaildropReader maildrop, Pop3Metrics metrics) {
        this.mailboxManager = mailboxManager;
        this.maildrop = maildrop;
        this.metrics = metrics;
    }

    @Override
    public Mailbox create(MessageManager manager, MailboxSession session) {
        return new ReadAheadMailbox(mailboxManager, manager, session, maildrop, metrics);
    }
}
