package org.postern.mailstore;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.mail.Flags;

import org.apache.james.mailbox.ApplicableFlagBuilder;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.jpa.JPAId;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.store.mail.AbstractMessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.Property;

import com.google.common.collect.ImmutableList;

/**
 * James's {@code MessageMapper} on plain JDBC, over the tables James's JPA store created ({@code JAMES_MAIL}, its
 * {@code JAMES_MAIL_PROPERTY} and {@code JAMES_MAIL_USERFLAG} rows), so a data directory written by the JPA store is
 * read as it is. Each call is one short transaction; an append is one insert (message, then its property rows) and one
 * commit, with the UID and mod-sequence taken beforehand from reserved blocks ({@link MailboxCounters}).
 *
 * <p>A listing reads the metadata columns only; header and body bytes are read when the fetch asks for them, and
 * properties and user flags when something asks for them (IMAP-style structure and flags; POP3 needs neither).</p>
 */
public class JdbcMessageMapper extends AbstractMessageMapper {
    static final String METADATA_COLUMNS = "MAIL_UID, MAIL_MODSEQ, MAIL_DATE, MAIL_IS_ANSWERED, MAIL_IS_DELETED, MAIL_IS_DRAFT, "
        + "MAIL_IS_FLAGGED, MAIL_IS_RECENT, MAIL_IS_SEEN, MAIL_BODY_START_OCTET, MAIL_CONTENT_OCTETS_COUNT, MAIL_MIME_TYPE, "
        + "MAIL_MIME_SUBTYPE, MAIL_TEXTUAL_LINE_COUNT";
    private static final String INSERT = "INSERT INTO JAMES_MAIL (MAILBOX_ID, " + METADATA_COLUMNS + ", HEADER_BYTES, MAIL_BYTES) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_PROPERTY = "INSERT INTO JAMES_MAIL_PROPERTY (PROPERTY_ID, PROPERTY_LINE_NUMBER, "
        + "PROPERTY_LOCAL_NAME, PROPERTY_NAME_SPACE, PROPERTY_VALUE, MAILBOX_ID, MAIL_UID) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_USER_FLAG = "INSERT INTO JAMES_MAIL_USERFLAG (USERFLAG_ID, USERFLAG_NAME, MAILBOX_ID, MAIL_UID) "
        + "VALUES (?, ?, ?, ?)";
    /** The lengths of JPAProperty's columns: a longer MIME parameter is cut rather than failing the delivery. */
    private static final int NAME_LENGTH = 500;
    private static final int VALUE_LENGTH = 1024;

    private final MailboxDatabase database;
    private final SequenceBlocks ids;
    private final StoredMessage.Loader loader;

    JdbcMessageMapper(MailboxDatabase database, SequenceBlocks ids, MailboxSession session, JdbcUidProvider uids,
                      JdbcModSeqProvider modSeqs, Clock clock) {
        super(session, uids, modSeqs, clock);
        this.database = database;
        this.ids = ids;
        this.loader = new RowLoader(database);
    }

    // ---- transactions: each call below is its own

    @Override
    protected void begin() {
    }

    @Override
    protected void commit() {
    }

    @Override
    protected void rollback() {
    }

    // ---- reads

    @Override
    public Iterator<MailboxMessage> findInMailbox(Mailbox mailbox, MessageRange set, FetchType type, int limit) throws MailboxException {
        JPAId mailboxId = (JPAId) mailbox.getMailboxId();
        String content = switch (type) {
            case METADATA -> "";
            case HEADERS -> ", HEADER_BYTES";
            case FULL, ATTACHMENTS_METADATA -> ", HEADER_BYTES, MAIL_BYTES";
        };
        UidRange range = UidRange.of(set);
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + METADATA_COLUMNS + content
                + " FROM JAMES_MAIL WHERE MAILBOX_ID = ?" + range.sql() + " ORDER BY MAIL_UID")) {
                select.setLong(1, mailboxId.getRawId());
                range.bind(select, 2);
                if (limit > 0) {
                    select.setMaxRows(limit);
                }
                List<MailboxMessage> messages = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        messages.add(message(mailboxId, rows, type));
                    }
                }
                return messages.iterator();
            }
        });
    }

    /**
     * A row of {@code SELECT METADATA_COLUMNS [, HEADER_BYTES [, MAIL_BYTES]]}, read by position: Derby looks a column
     * name up by a case-insensitive scan, which cost more than the rest of reading a message for POP3.
     */
    private StoredMessage message(JPAId mailboxId, ResultSet row, FetchType type) throws SQLException {
        Flags flags = new Flags();
        setIf(flags, Flags.Flag.ANSWERED, row.getBoolean(4));
        setIf(flags, Flags.Flag.DELETED, row.getBoolean(5));
        setIf(flags, Flags.Flag.DRAFT, row.getBoolean(6));
        setIf(flags, Flags.Flag.FLAGGED, row.getBoolean(7));
        setIf(flags, Flags.Flag.RECENT, row.getBoolean(8));
        setIf(flags, Flags.Flag.SEEN, row.getBoolean(9));
        long lines = row.getLong(14);
        Long textualLineCount = row.wasNull() ? null : lines;
        byte[] header = type == FetchType.METADATA ? null : row.getBytes(15);
        byte[] body = type == FetchType.FULL || type == FetchType.ATTACHMENTS_METADATA ? row.getBytes(16) : null;
        return new StoredMessage(loader, mailboxId, MessageUid.of(row.getLong(1)), ModSeq.of(row.getLong(2)),
            new Date(row.getTimestamp(3).getTime()), flags, row.getInt(10), row.getLong(11), row.getString(12),
            row.getString(13), textualLineCount, header, body);
    }

    private static void setIf(Flags flags, Flags.Flag flag, boolean set) {
        if (set) {
            flags.add(flag);
        }
    }

    @Override
    public long countMessagesInMailbox(Mailbox mailbox) throws MailboxException {
        return count(mailbox, "");
    }

    @Override
    protected long countUnseenMessagesInMailbox(Mailbox mailbox) throws MailboxException {
        return count(mailbox, " AND MAIL_IS_SEEN = ?");
    }

    private long count(Mailbox mailbox, String condition) throws MailboxException {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                "SELECT COUNT(*) FROM JAMES_MAIL WHERE MAILBOX_ID = ?" + condition)) {
                select.setLong(1, ((JPAId) mailbox.getMailboxId()).getRawId());
                if (!condition.isEmpty()) {
                    select.setBoolean(2, false);
                }
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            }
        });
    }

    @Override
    public MessageUid findFirstUnseenMessageUid(Mailbox mailbox) throws MailboxException {
        List<MessageUid> uids = uidsWhere(mailbox, "MAIL_IS_SEEN = ?", false, MessageRange.all(), 1);
        return uids.isEmpty() ? null : uids.get(0);
    }

    @Override
    public List<MessageUid> findRecentMessageUidsInMailbox(Mailbox mailbox) throws MailboxException {
        return uidsWhere(mailbox, "MAIL_IS_RECENT = ?", true, MessageRange.all(), 0);
    }

    @Override
    public List<MessageUid> retrieveMessagesMarkedForDeletion(Mailbox mailbox, MessageRange messageRange) throws MailboxException {
        return uidsWhere(mailbox, "MAIL_IS_DELETED = ?", true, messageRange, 0);
    }

    private List<MessageUid> uidsWhere(Mailbox mailbox, String flagCondition, boolean value, MessageRange set, int limit)
            throws MailboxException {
        UidRange range = UidRange.of(set);
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT MAIL_UID FROM JAMES_MAIL WHERE MAILBOX_ID = ? AND "
                + flagCondition + range.sql() + " ORDER BY MAIL_UID")) {
                select.setLong(1, ((JPAId) mailbox.getMailboxId()).getRawId());
                select.setBoolean(2, value);
                range.bind(select, 3);
                select.setMaxRows(limit);
                ImmutableList.Builder<MessageUid> uids = ImmutableList.builder();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        uids.add(MessageUid.of(rows.getLong(1)));
                    }
                }
                return uids.build();
            }
        });
    }

    @Override
    public Flags getApplicableFlag(Mailbox mailbox) throws MailboxException {
        return database.read(connection -> {
            ApplicableFlagBuilder builder = ApplicableFlagBuilder.builder();
            try (PreparedStatement select = connection.prepareStatement(
                "SELECT DISTINCT USERFLAG_NAME FROM JAMES_MAIL_USERFLAG WHERE MAILBOX_ID = ?")) {
                select.setLong(1, ((JPAId) mailbox.getMailboxId()).getRawId());
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        builder.add(rows.getString(1));
                    }
                }
            }
            return builder.build();
        });
    }

    // ---- writes

    /** A new message (after {@code add} or {@code copy} gave it a UID) is inserted; a read one gets its flags updated. */
    @Override
    protected MessageMetaData save(Mailbox mailbox, MailboxMessage message) throws MailboxException {
        if (message instanceof StoredMessage stored && stored.getMailboxId().equals(mailbox.getMailboxId())) {
            updateFlags(stored);
        } else {
            insert((JPAId) mailbox.getMailboxId(), message, message.createFlags());
        }
        return message.metaData();
    }

    @Override
    protected MessageMetaData copy(Mailbox mailbox, MessageUid uid, ModSeq modSeq, MailboxMessage original) throws MailboxException {
        MailboxMessage copy = original.copy(mailbox);
        copy.setUid(uid);
        copy.setModSeq(modSeq);
        Flags flags = original.createFlags();
        flags.add(Flags.Flag.RECENT); // a copy is recent (MAILBOX-85), as in James's stores
        copy.setFlags(flags);
        insert((JPAId) mailbox.getMailboxId(), copy, flags);
        return copy.metaData();
    }

    @Override
    public MessageMetaData move(Mailbox mailbox, MailboxMessage original) throws MailboxException {
        MessageMetaData moved = copy(mailbox, original);
        deleteRange((JPAId) original.getMailboxId(), UidRange.of(MessageRange.one(original.getUid())));
        return moved;
    }

    private void insert(JPAId mailboxId, MailboxMessage message, Flags flags) throws MailboxException {
        byte[] content = readFully(message);
        int headerEnd = (int) Math.min(Math.max(message.getHeaderOctets(), 0), content.length);
        byte[] header = Arrays.copyOfRange(content, 0, headerEnd);
        byte[] body = Arrays.copyOfRange(content, headerEnd, content.length);
        List<Property> properties = message.getProperties().toProperties();
        long[] propertyIds = nextIds(properties.size());
        String[] userFlags = flags.getUserFlags();
        long[] userFlagIds = nextIds(userFlags.length);
        long uid = message.getUid().asLong();
        database.write(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                int i = 1;
                insert.setLong(i++, mailboxId.getRawId());
                insert.setLong(i++, uid);
                insert.setLong(i++, message.getModSeq().asLong());
                insert.setTimestamp(i++, new Timestamp(message.getInternalDate().getTime()));
                insert.setBoolean(i++, flags.contains(Flags.Flag.ANSWERED));
                insert.setBoolean(i++, flags.contains(Flags.Flag.DELETED));
                insert.setBoolean(i++, flags.contains(Flags.Flag.DRAFT));
                insert.setBoolean(i++, flags.contains(Flags.Flag.FLAGGED));
                insert.setBoolean(i++, flags.contains(Flags.Flag.RECENT));
                insert.setBoolean(i++, flags.contains(Flags.Flag.SEEN));
                insert.setInt(i++, headerEnd);
                insert.setLong(i++, content.length);
                insert.setString(i++, message.getMediaType());
                insert.setString(i++, message.getSubType());
                if (message.getTextualLineCount() == null) {
                    insert.setNull(i++, Types.BIGINT);
                } else {
                    insert.setLong(i++, message.getTextualLineCount());
                }
                insert.setBytes(i++, header);
                insert.setBytes(i, body);
                insert.executeUpdate();
            }
            insertProperties(connection, mailboxId, uid, properties, propertyIds);
            insertUserFlags(connection, mailboxId, uid, userFlags, userFlagIds);
            return null;
        });
    }

    private static byte[] readFully(MailboxMessage message) throws MailboxException {
        try (InputStream in = message.getFullContent()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new MailboxException("cannot read the message to store", e);
        }
    }

    private long[] nextIds(int count) throws MailboxException {
        long[] result = new long[count];
        for (int i = 0; i < count; i++) {
            result[i] = ids.next();
        }
        return result;
    }

    private static void insertProperties(Connection connection, JPAId mailboxId, long uid, List<Property> properties, long[] ids)
            throws SQLException {
        if (properties.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_PROPERTY)) {
            for (int line = 0; line < properties.size(); line++) {
                Property property = properties.get(line);
                insert.setLong(1, ids[line]);
                insert.setInt(2, line);
                insert.setString(3, cut(property.getLocalName(), NAME_LENGTH));
                insert.setString(4, cut(property.getNamespace(), NAME_LENGTH));
                insert.setString(5, cut(property.getValue(), VALUE_LENGTH));
                insert.setLong(6, mailboxId.getRawId());
                insert.setLong(7, uid);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void insertUserFlags(Connection connection, JPAId mailboxId, long uid, String[] userFlags, long[] ids)
            throws SQLException {
        if (userFlags.length == 0) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_USER_FLAG)) {
            for (int i = 0; i < userFlags.length; i++) {
                insert.setLong(1, ids[i]);
                insert.setString(2, cut(userFlags[i], NAME_LENGTH));
                insert.setLong(3, mailboxId.getRawId());
                insert.setLong(4, uid);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static String cut(String value, int length) {
        return value == null || value.length() <= length ? value : value.substring(0, length);
    }

    private void updateFlags(StoredMessage message) throws MailboxException {
        Flags flags = message.createFlags();
        String[] userFlags = flags.getUserFlags();
        long[] userFlagIds = nextIds(userFlags.length);
        long mailboxId = message.getMailboxId().getRawId();
        long uid = message.getUid().asLong();
        database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE JAMES_MAIL SET MAIL_MODSEQ = ?, "
                + "MAIL_IS_ANSWERED = ?, MAIL_IS_DELETED = ?, MAIL_IS_DRAFT = ?, MAIL_IS_FLAGGED = ?, MAIL_IS_RECENT = ?, "
                + "MAIL_IS_SEEN = ? WHERE MAILBOX_ID = ? AND MAIL_UID = ?")) {
                update.setLong(1, message.getModSeq().asLong());
                update.setBoolean(2, flags.contains(Flags.Flag.ANSWERED));
                update.setBoolean(3, flags.contains(Flags.Flag.DELETED));
                update.setBoolean(4, flags.contains(Flags.Flag.DRAFT));
                update.setBoolean(5, flags.contains(Flags.Flag.FLAGGED));
                update.setBoolean(6, flags.contains(Flags.Flag.RECENT));
                update.setBoolean(7, flags.contains(Flags.Flag.SEEN));
                update.setLong(8, mailboxId);
                update.setLong(9, uid);
                update.executeUpdate();
            }
            try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM JAMES_MAIL_USERFLAG WHERE MAILBOX_ID = ? AND MAIL_UID = ?")) {
                delete.setLong(1, mailboxId);
                delete.setLong(2, uid);
                delete.executeUpdate();
            }
            insertUserFlags(connection, message.getMailboxId(), uid, userFlags, userFlagIds);
            return null;
        });
    }

    @Override
    public void delete(Mailbox mailbox, MailboxMessage message) throws MailboxException {
        deleteRange((JPAId) mailbox.getMailboxId(), UidRange.of(MessageRange.one(message.getUid())));
    }

    @Override
    public Map<MessageUid, MessageMetaData> deleteMessages(Mailbox mailbox, List<MessageUid> uids) throws MailboxException {
        Map<MessageUid, MessageMetaData> deleted = new LinkedHashMap<>();
        for (MessageRange range : MessageRange.toRanges(uids)) {
            Iterator<MailboxMessage> messages = findInMailbox(mailbox, range, FetchType.METADATA, UNLIMITED);
            List<StoredMessage> found = new ArrayList<>();
            messages.forEachRemaining(message -> found.add((StoredMessage) message));
            RowLoader.withUserFlags((JPAId) mailbox.getMailboxId(), range, found, database);
            found.forEach(message -> deleted.put(message.getUid(), message.metaData()));
            deleteRange((JPAId) mailbox.getMailboxId(), UidRange.of(range));
        }
        return deleted;
    }

    /** The message rows and their property and flag rows (whether or not the schema cascades). */
    private void deleteRange(JPAId mailboxId, UidRange range) throws MailboxException {
        database.write(connection -> {
            for (String table : new String[] {"JAMES_MAIL_PROPERTY", "JAMES_MAIL_USERFLAG", "JAMES_MAIL"}) {
                try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM " + table + " WHERE MAILBOX_ID = ?" + range.sql())) {
                    delete.setLong(1, mailboxId.getRawId());
                    range.bind(delete, 2);
                    delete.executeUpdate();
                }
            }
            return null;
        });
    }

    /** What a row was read without: its bytes, properties and user flags, each on first use. */
    static final class RowLoader implements StoredMessage.Loader {
        private final MailboxDatabase database;

        RowLoader(MailboxDatabase database) {
            this.database = database;
        }

        @Override
        public byte[] header(JPAId mailbox, MessageUid uid) throws IOException {
            return column(mailbox, uid, "HEADER_BYTES");
        }

        @Override
        public byte[] body(JPAId mailbox, MessageUid uid) throws IOException {
            return column(mailbox, uid, "MAIL_BYTES");
        }

        private byte[] column(JPAId mailbox, MessageUid uid, String column) throws IOException {
            try {
                return database.read(connection -> {
                    try (PreparedStatement select = connection.prepareStatement(
                        "SELECT " + column + " FROM JAMES_MAIL WHERE MAILBOX_ID = ? AND MAIL_UID = ?")) {
                        select.setLong(1, mailbox.getRawId());
                        select.setLong(2, uid.asLong());
                        try (ResultSet row = select.executeQuery()) {
                            if (!row.next()) {
                                throw new MailboxException("message " + uid.asLong() + " of mailbox " + mailbox + " is gone");
                            }
                            return row.getBytes(1);
                        }
                    }
                });
            } catch (MailboxException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public List<Property> properties(JPAId mailbox, MessageUid uid) {
            try {
                return database.read(connection -> {
                    try (PreparedStatement select = connection.prepareStatement("SELECT PROPERTY_NAME_SPACE, PROPERTY_LOCAL_NAME, "
                        + "PROPERTY_VALUE FROM JAMES_MAIL_PROPERTY WHERE MAILBOX_ID = ? AND MAIL_UID = ? "
                        + "ORDER BY PROPERTY_LINE_NUMBER, PROPERTY_ID")) {
                        select.setLong(1, mailbox.getRawId());
                        select.setLong(2, uid.asLong());
                        ImmutableList.Builder<Property> properties = ImmutableList.builder();
                        try (ResultSet rows = select.executeQuery()) {
                            while (rows.next()) {
                                properties.add(new Property(rows.getString(1), rows.getString(2), rows.getString(3)));
                            }
                        }
                        return properties.build();
                    }
                });
            } catch (MailboxException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        @Override
        public String[] userFlags(JPAId mailbox, MessageUid uid) {
            try {
                return userFlags(mailbox, UidRange.of(MessageRange.one(uid)), database).getOrDefault(uid.asLong(), new String[0]);
            } catch (MailboxException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        /** Sets the user flags of a batch of messages with one query. */
        static void withUserFlags(JPAId mailbox, MessageRange set, List<StoredMessage> messages, MailboxDatabase database)
                throws MailboxException {
            if (messages.isEmpty()) {
                return;
            }
            Map<Long, String[]> flags = userFlags(mailbox, UidRange.of(set), database);
            messages.forEach(message -> message.userFlags(flags.getOrDefault(message.getUid().asLong(), new String[0])));
        }

        private static Map<Long, String[]> userFlags(JPAId mailbox, UidRange range, MailboxDatabase database) throws MailboxException {
            return database.read(connection -> {
                Map<Long, List<String>> found = new HashMap<>();
                try (PreparedStatement select = connection.prepareStatement(
                    "SELECT MAIL_UID, USERFLAG_NAME FROM JAMES_MAIL_USERFLAG WHERE MAILBOX_ID = ?" + range.sql())) {
                    select.setLong(1, mailbox.getRawId());
                    range.bind(select, 2);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            found.computeIfAbsent(rows.getLong(1), uid -> new ArrayList<>()).add(rows.getString(2));
                        }
                    }
                }
                Map<Long, String[]> result = new HashMap<>();
                found.forEach((uid, names) -> result.put(uid, names.toArray(String[]::new)));
                return result;
            });
        }
    }
}
