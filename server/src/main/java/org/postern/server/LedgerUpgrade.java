package org.postern.server;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.postern.jdbc.JdbcTables;

/**
 * The upgrade of a ledger kept by an earlier version in embedded Derby: its events are copied into the SQLite
 * ledger in one transaction that also records the copy ({@code POSTERN_LEDGER_UPGRADE}), then the Derby table is
 * renamed {@code POSTERN_LEDGER_MOVED}. A crash before the SQLite commit leaves Derby as it was; a crash after it
 * leaves only the rename to do, never a second copy.
 */
final class LedgerUpgrade {
    private static final Logger LOGGER = LoggerFactory.getLogger(LedgerUpgrade.class);
    static final String TABLE = "POSTERN_LEDGER";
    static final String MOVED = "POSTERN_LEDGER_MOVED";
    private static final String COLUMNS = "AT_MS, QUEUE_ID, MESSAGE_ID, ENVID, SENDER, RECIPIENT, KIND, HOST, ADDRESS, TLS, REPLY, DETAIL";

    private LedgerUpgrade() {
    }

    /** Moves Derby's ledger events into {@code sqlite} (whose POSTERN_LEDGER table exists); nothing when there are none. */
    static void fromDerby(DataSource derby, DataSource sqlite) throws SQLException {
        try (Connection from = derby.getConnection()) {
            if (!JdbcTables.exists(from, TABLE)) {
                return;
            }
            try (Connection to = sqlite.getConnection()) {
                try (Statement ddl = to.createStatement()) {
                    ddl.executeUpdate("CREATE TABLE IF NOT EXISTS POSTERN_LEDGER_UPGRADE (FROM_DERBY INTEGER NOT NULL)");
                }
                if (!copied(to)) {
                    copy(from, to);
                }
            }
            from.setAutoCommit(true);
            try (Statement rename = from.createStatement()) {
                rename.executeUpdate("RENAME TABLE " + TABLE + " TO " + MOVED);
            }
            LOGGER.info("ledger upgrade: Derby's {} renamed {}", TABLE, MOVED);
        }
    }

    private static boolean copied(Connection sqlite) throws SQLException {
        try (Statement select = sqlite.createStatement(); ResultSet row = select.executeQuery("SELECT count(*) FROM POSTERN_LEDGER_UPGRADE")) {
            return row.next() && row.getLong(1) > 0;
        }
    }

    private static void copy(Connection derby, Connection sqlite) throws SQLException {
        sqlite.setAutoCommit(false);
        long rows = 0;
        try (Statement select = derby.createStatement();
             ResultSet events = select.executeQuery("SELECT " + COLUMNS + " FROM " + TABLE + " ORDER BY ID");
             PreparedStatement insert = sqlite.prepareStatement("INSERT INTO " + TABLE + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ResultSetMetaData columns = events.getMetaData();
            while (events.next()) {
                for (int i = 1; i <= columns.getColumnCount(); i++) {
                    insert.setObject(i, events.getObject(i));
                }
                insert.addBatch();
                if (++rows % 1_000 == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
            try (Statement mark = sqlite.createStatement()) {
                mark.executeUpdate("INSERT INTO POSTERN_LEDGER_UPGRADE (FROM_DERBY) VALUES (" + rows + ")");
            }
            sqlite.commit();
        } catch (SQLException e) {
            sqlite.rollback();
            throw e;
        } finally {
            sqlite.setAutoCommit(true);
        }
        LOGGER.info("ledger upgrade: {} event(s) copied from Derby", rows);
    }
}
