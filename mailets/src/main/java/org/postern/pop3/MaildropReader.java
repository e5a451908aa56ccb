package org.postern.pop3;

import java.io.IOException;
import java.util.List;
import java.util.function.BiConsumer;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.protocols.pop3.mailbox.MessageMetaData;

/**
 * What a POP3 session reads from its mailbox ({@link ReadAheadMailbox}): the listing at login, then the messages it
 * hands out, a run of UIDs at a time. James's mailbox manager answers for any store ({@link StoreMaildropReader});
 * a store may answer more directly (Postern's own: {@code org.postern.mailstore.JdbcMaildropReader}, one query of
 * the columns asked for and nothing else).
 */
public interface MaildropReader {
    /** Every message of {@code mailbox}, in UID order, with its size as stored (what James's POP3 lists). */
    List<MessageMetaData> list(MessageManager mailbox, MailboxSession session) throws IOException;

    /** Hands {@code each} message of {@code mailbox} with a UID from {@code first} to {@code last} its bytes as stored. */
    void read(MessageManager mailbox, MailboxSession session, MessageUid first, MessageUid last, BiConsumer<MessageUid, byte[]> each)
        throws IOException;
}
