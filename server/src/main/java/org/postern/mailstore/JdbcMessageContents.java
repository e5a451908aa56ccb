package org.postern.mailstore;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.function.BiConsumer;

import javax.inject.Inject;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.jpa.JPAId;
import org.postern.pop3.MessageContents;

/**
 * Messages' bytes for POP3 straight from the store's table: one query for UID, header and body of a run of UIDs,
 * where James's full-content fetch reads every metadata column too and wraps each message in several objects (a
 * third of a pipelined RETR went to reading rows: bench/README.md, local delivery and POP3).
 */
public class JdbcMessageContents implements MessageContents {
    private final MailboxDatabase database;

    @Inject
    public JdbcMessageContents(MailboxDatabase database) {
        this.database = database;
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
