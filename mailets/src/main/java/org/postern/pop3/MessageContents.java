package org.postern.pop3;

import java.io.IOException;
import java.util.function.BiConsumer;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;

/**
 * Where a POP3 session reads the messages it hands out, a run of UIDs at a time ({@link ReadAheadMailbox}). James's
 * mailbox manager answers for any store ({@link StoreContents}); a store may answer more directly (Postern's own:
 * {@code org.postern.mailstore.JdbcMessageContents}, one query for the bytes and nothing else).
 */
public interface MessageContents {
    /** Hands {@code each} message of {@code mailbox} with a UID from {@code first} to {@code last} its bytes as stored. */
    void read(MessageManager mailbox, MailboxSession session, MessageUid first, MessageUid last, BiConsumer<MessageUid, byte[]> each)
        throws IOException;
}
