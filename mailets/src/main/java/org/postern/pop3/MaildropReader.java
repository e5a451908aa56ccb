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
 * hands out, a run of UIDs at a time, each answered by the mailbox store in one query of the columns asked for and
 * nothing else (Postern's store: {@code org.postern.mailstore.JdbcMaildropReader}). James's own fetches read every
 * column and build a result object per message, which cost a third of a pipelined RETR.
 */
public interface MaildropReader {
    /** Every message of {@code mailbox}, in UID order, with its size as stored (what James's POP3 lists). */
    List<MessageMetaData> list(MessageManager mailbox, MailboxSession session) throws IOException;

    /** Hands {@code each} message of {@code mailbox} with a UID from {@code first} to {@code last} its bytes as stored. */
    void read(MessageManager mailbox, MailboxSession session, MessageUid first, MessageUid last, BiConsumer<MessageUid, byte[]> each)
        throws IOException;
}
