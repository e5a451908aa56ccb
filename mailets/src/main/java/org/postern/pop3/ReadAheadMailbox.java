package org.postern.pop3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.pop3server.mailbox.MailboxAdapter;
import org.apache.james.protocols.pop3.mailbox.MessageMetaData;

/**
 * A POP3 session's mailbox that, when a message's content is asked for and not at hand, reads it together with the
 * messages that follow it in the session's listing, in one query to the mailbox store ({@link MaildropReader}): POP3
 * clients fetch their messages in order, and a query per RETR cost about half of a RETR (bench/README.md, local
 * delivery and POP3).
 * What is read ahead is bounded per session ({@link #BUDGET_BYTES}, {@link #MAX_MESSAGES}; one message is always
 * read, however big) and dropped as it is served or when the next batch is read. Messages in James's store never
 * change once stored, and the session holds the maildrop lock, so no other session deletes them meanwhile.
 */
public class ReadAheadMailbox extends MailboxAdapter {
    static final long BUDGET_BYTES = 1024 * 1024;
    static final int MAX_MESSAGES = 64;

    private final MessageManager manager;
    private final MailboxSession session;
    private final MaildropReader maildrop;
    private final Pop3Metrics metrics;
    private List<MessageMetaData> listing = List.of();
    private Map<String, Integer> position = Map.of();
    private final Map<String, byte[]> ahead = new HashMap<>();

    public ReadAheadMailbox(MailboxManager mailboxManager, MessageManager manager, MailboxSession session, MaildropReader maildrop,
                            Pop3Metrics metrics) {
        super(mailboxManager, manager, session);
        this.manager = manager;
        this.session = session;
        this.maildrop = maildrop;
        this.metrics = metrics;
    }

    /**
     * The listing the session works on (James asks for it at login and at RSET), from the {@link MaildropReader},
     * kept to know what follows.
     */
    @Override
    public List<MessageMetaData> getMessages() throws IOException {
        List<MessageMetaData> messages = maildrop.list(manager, session);
        Map<String, Integer> index = new HashMap<>(messages.size() * 2);
        for (int i = 0; i < messages.size(); i++) {
            index.put(messages.get(i).getUid(), i);
        }
        listing = messages;
        position = index;
        ahead.clear();
        return messages;
    }

    @Override
    public InputStream getMessage(String uid) throws IOException {
        byte[] content = ahead.remove(uid);
        if (content == null) {
            Integer first = position.get(uid);
            if (first == null) {
                metrics.mailboxRead();
                return super.getMessage(uid);
            }
            readAhead(first);
            content = ahead.remove(uid);
            if (content == null) {
                throw new IOException("Message does not exist for uid " + uid);
            }
        }
        metrics.messageServed();
        return new ByteArrayInputStream(content);
    }

    /** Reads the message at {@code first} of the listing and as many following ones as the budget allows. */
    private void readAhead(int first) throws IOException {
        int last = first;
        long bytes = listing.get(first).getSize();
        while (last + 1 < listing.size() && last + 1 - first < MAX_MESSAGES && bytes + listing.get(last + 1).getSize() <= BUDGET_BYTES) {
            last++;
            bytes += listing.get(last).getSize();
        }
        ahead.clear();
        metrics.mailboxRead();
        maildrop.read(manager, session, uidAt(first), uidAt(last), (uid, content) -> ahead.put(String.valueOf(uid.asLong()), content));
    }

    private MessageUid uidAt(int index) {
        return MessageUid.of(Long.parseLong(listing.get(index).getUid()));
    }

    @Override
    public void close() throws IOException {
        ahead.clear();
        super.close();
    }
}
