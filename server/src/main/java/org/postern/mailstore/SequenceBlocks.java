package org.postern.mailstore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.apache.james.mailbox.exception.MailboxException;

/**
 * Primary keys for the rows whose ids OpenJPA used to hand out (mailboxes, message property rows, user flag rows):
 * they come from OpenJPA's own sequence row ({@code OPENJPA_SEQUENCE_TABLE}, ID 0), reserved in blocks by an atomic
 * increment of that row, so that OpenJPA (which still allocates ids for the tables it keeps, from the same row) and
 * every node sharing the database never hand out the same id twice.
 *
 * <p>OpenJPA reads the row as "the next free id" and takes {@code [value, value + n)}; a block here skips one id at
 * each end, so that it cannot overlap whichever convention the last writer followed.</p>
 */
final class SequenceBlocks {
    static final String TABLE = "OPENJPA_SEQUENCE_TABLE";

    private final MailboxDatabase database;
    private final int blockSize;
    private long next;
    private long last = -1;

    SequenceBlocks(MailboxDatabase database, int blockSize) {
        this.database = database;
        this.blockSize = blockSize;
    }

    /** Creates the sequence table and its row when no JPA store has used them yet (a new data directory). */
    void ensureExists() throws MailboxException {
        database.read(connection -> {
            if (!Tables.exists(connection, TABLE)) {
                try (Statement sql = connection.createStatement()) {
                    sql.execute("CREATE TABLE " + TABLE + " (ID SMALLINT NOT NULL, SEQUENCE_VALUE BIGINT, PRIMARY KEY (ID))");
                } catch (SQLException e) {
                    if (!Tables.exists(connection, TABLE)) { // another node or OpenJPA created it meanwhile
                        throw e;
                    }
                }
            }
            return null;
        });
    }

    synchronized long next() throws MailboxException {
        if (next > last) {
            long end = reserve();
            next = end - blockSize;
            last = end - 1;
        }
        return next++;
    }

    /** Moves the shared row on by a block plus two; returns its new value. */
    private long reserve() throws MailboxException {
        return database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                "UPDATE " + TABLE + " SET SEQUENCE_VALUE = SEQUENCE_VALUE + ? WHERE ID = 0")) {
                update.setLong(1, blockSize + 2);
                if (update.executeUpdate() == 0) {
                    insertFirstRow(connection);
                }
            }
            try (PreparedStatement select = connection.prepareStatement("SELECT SEQUENCE_VALUE FROM " + TABLE + " WHERE ID = 0");
                 ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1) - 1;
            }
        });
    }

    private void insertFirstRow(Connection connection) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO " + TABLE + " (ID, SEQUENCE_VALUE) VALUES (0, ?)")) {
            insert.setLong(1, 1 + blockSize + 2);
            insert.executeUpdate();
        } catch (SQLException e) {
            if (Tables.isDuplicateKey(e)) {
                throw new MailboxDatabase.RunAgain(); // another node inserted it first: take a block from it
            }
            throw e;
        }
    }
}
