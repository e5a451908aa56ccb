package org.postern.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
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
import org.apache.james.protocols.pop3.mailbox.MessageMetaData;

/** A maildrop through James's mailbox manager, whatever the store: its listing, and full-content fetches of ranges. */
public class StoreMaildropReader implements MaildropReader {
    private final MailboxManager mailboxManager;

    @Inject
    public StoreMaildropReader(@Named("mailboxmanager") MailboxManager mailboxManager) {
        this.mailboxManager = mailboxManager;
    }

    @Override
    public List<MessageMetaData> list(MessageManager mailbox, MailboxSession session) throws IOException {
        try {
            mailboxManager.startProcessingRequest(session);
            Iterator<MessageResult> results = mailbox.getMessages(MessageRange.all(), FetchGroup.MINIMAL, session);
            List<MessageMetaData> listing = new ArrayList<>();
            while (results.hasNext()) {
                MessageResult result = results.next();
                listing.add(new MessageMetaData(String.valueOf(result.getUid().asLong()), result.getSize()));
            }
            return listing;
        } catch (MailboxException e) {
            throw new IOException("Unable to retrieve messages", e);
        } finally {
            mailboxManager.endProcessingRequest(session);
        }
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
