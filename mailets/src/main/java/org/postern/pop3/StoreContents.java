package org.postern.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Iterator;
import java.util.function.BiConsumer;

import javax.inject.Inject;
import javax.inject.Named;

import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;

/** Messages' bytes through James's mailbox manager: a full-content fetch of the range, whatever the store. */
public class StoreContents implements MessageContents {
    private final MailboxManager mailboxManager;

    @Inject
    public StoreContents(@Named("mailboxmanager") MailboxManager mailboxManager) {
        this.mailboxManager = mailboxManager;
    }

    @Override
    public void read(MessageManager mailbox, MailboxSession session, MessageUid first, MessageUid last, BiConsumer<MessageUid, byte[]> each)
        throws IOException {
        MessageRange range = MessageRange.range(first, last);
        try {
            mailboxManager.startProcessingRequest(session);
            Iterator<MessageResult> results = mailbox.getMessages(range, FetchGroup.FULL_CONTENT, session);
            while (results.hasNext()) {
                MessageResult result = results.next();
                try (InputStream in = result.getFullContent().getInputStream()) {
                    each.accept(result.getUid(), readFully(in, result.getSize()));
                }
            }
        } catch (MailboxException e) {
            throw new IOException("Unable to retrieve messages " + range, e);
        } finally {
            mailboxManager.endProcessingRequest(session);
        }
    }

    /** The stream's bytes into an array of the size the store gave (a growing buffer cost a copy per message). */
    static byte[] readFully(InputStream in, long size) throws IOException {
        if (size <= 0 || size > Integer.MAX_VALUE - 16) {
            return in.readAllBytes();
        }
        byte[] content = new byte[(int) size];
        int read = in.readNBytes(content, 0, content.length);
        byte[] rest = in.readAllBytes();
        if (read == content.length && rest.length == 0) {
            return content;
        }
        byte[] whole = Arrays.copyOf(content, read + rest.length);
        System.arraycopy(rest, 0, whole, read, rest.length);
        return whole;
    }
}
