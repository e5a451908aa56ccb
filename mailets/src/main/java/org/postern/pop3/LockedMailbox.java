package org.postern.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import org.apache.james.protocols.pop3.mailbox.Mailbox;
import org.apache.james.protocols.pop3.mailbox.MessageMetaData;

/**
 * A POP3 session's mailbox that gives its maildrop lock back when it is closed: QUIT closes it right after the
 * deletions and before its reply, so the next session of that user, even one opened the moment QUIT is answered,
 * finds the mailbox free and already expunged. (A connection dropped without QUIT gives the lock back when it closes.)
 */
final class LockedMailbox implements Mailbox {
    private final Mailbox mailbox;
    private final Runnable release;

    LockedMailbox(Mailbox mailbox, Runnable release) {
        this.mailbox = mailbox;
        this.release = release;
    }

    @Override
    public InputStream getMessage(String uid) throws IOException {
        return mailbox.getMessage(uid);
    }

    @Override
    public List<MessageMetaData> getMessages() throws IOException {
        return mailbox.getMessages();
    }

    @Override
    public void remove(String... uids) throws IOException {
        mailbox.remove(uids);
    }

    @Override
    public String getIdentifier() throws IOException {
        return mailbox.getIdentifier();
    }

    @Override
    public void close() throws IOException {
        try {
            mailbox.close();
        } finally {
            release.run();
        }
    }
}
