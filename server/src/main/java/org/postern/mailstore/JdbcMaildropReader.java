package org.postern.mailstore;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

import javax.inject.Inject;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.jpa.JPAId;
import org.apache.james.protocols.pop3.mailbox.MessageMetaData;
import org.postern.pop3.MaildropReader;

/**
 * A POP3 maildrop straight from the store's table: the listing is one query for UID and size, a run of messages one
 * query for UID, header and body, where James's fetches read every metadata column too and wrap each message in
 * several objects (a third of a pipelined RETR went to reading rows, and listing a 100,000-message mailbox took a
 * second under load: bench/README.md, local delivery and POP3).
 */
public class JdbcMaildropReader implements MaildropReader {
    private final MailboxDatabase database;

    @Inject
    public JdbcMaildropReader(MailboxDatabase database) {
        this.database = database;
    }

    @Override
    public List<MessageMetaData> list(MessageManager mailbox, MailboxSession session) throws IOException {
        try {
            return list((JPAId) mailbox.getId());
        } catch (MailboxException e) {
            throw new IOException("Unable to retrieve messages", e);
        }
    }

    List<MessageMetaData> list(JPAId mailboxId) throws MailboxException {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT MAIL_UID, MAIL_CONTENT_OCTETS_COUNT FROM JAMES_MAIL"
                + " WHERE MAILBOX_ID = ? ORDER BY MAIL_UID")) {
                select.setLong(1, mailboxId.getRawId());
                List<MessageMetaData> listing = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        listing.add(new MessageMetaData(Long.toString(rows.getLong(1)), rows.getLong(2)));
                    }
                }
                return listing;
            }
        });
    }

    @Override
    public void read(MessageManager mailbox, MailboxSession session, MessageUid first, MessageUid last, BiConsumer<MessageUid, byte[]> each)
        throws IOException {
        try {
            read((JPAId) mailbox.getId(), first, last, each);
        } catch (MailboxException e) {
            throw new IOException("Unable to retrieve messages " + first.asLong() + ":" + last.asLong(), e);
        }
    }

    void read(JPAId mailboxId, MessageUid first, MessageUid last, BiConsumer<MessageUid, byte[]> each) throws MailboxException {
        database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT MAIL_UID, HEADER_BYTES, MAIL_BYTES FROM JAMES_MAIL"
                + " WHERE MAILBOX_ID = ? AND MAIL_UID BETWEEN ? AND ? ORDER BY MAIL_UID")) {
                select.setLong(1, mailboxId.getRawId());
                select.setLong(2, first.asLong());
                select.setLong(3, last.asLong());
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        byte[] header = rows.getBytes(2);
                        byte[] body = rows.getBytes(3);
                        byte[] content = Arrays.copyOf(header, header.length + body.length);
                        System.arraycopy(body, 0, content, header.length, body.length);
                        each.accept(MessageUid.of(rows.getLong(1)), content);
                    }
                }
            }
            return null;
        });
    }
}
