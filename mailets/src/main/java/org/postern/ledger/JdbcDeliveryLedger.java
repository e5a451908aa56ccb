package org.postern.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.annotation.PreDestroy;
import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.postern.jdbc.JdbcTables;

/**
 * The ledger in a SQL table ({@code POSTERN_LEDGER}, created at first start): in the shared PostgreSQL database, or
 * in a SQLite file of this node's own when the mailboxes live in embedded Derby (whose inserts cost too much CPU
 * for an event per recipient and attempt). Events are written by one background thread in batches, so recording costs the
 * mail path a queue insertion; reads first wait (briefly) for what was recorded before them to be written. The
 * ledger is evidence, not mail: if the process dies, the last second of events may be missing, never a message.
 * Each row carries the name of the node that wrote it ({@code NODE}), so that one table serves several nodes. A
 * table from an earlier version gains the columns it lacks at start, and several nodes starting on one new database
 * at once all end up with the one table.
 */
public class JdbcDeliveryLedger implements DeliveryLedger {
    private static final Logger LOGGER = LoggerFactory.getLogger(JdbcDeliveryLedger.class);
    static final String TABLE = "POSTERN_LEDGER";
    private static final int BATCH = 500;
    private static final String COLUMNS = "AT_MS, QUEUE_ID, MESSAGE_ID, ENVID, SENDER, RECIPIENT, KIND, HOST, ADDRESS, TLS, REPLY, DETAIL, TLS_LEVEL, NODE";
    /** Columns added after the first version, each with its type: added to an old table at start. */
    private static final List<String[]> ADDED_COLUMNS = List.of(new String[] {"TLS_LEVEL", "VARCHAR(64)"}, new String[] {"NODE", "VARCHAR(64)"});

    private final DataSource database;
    private final String node;
    private final BlockingQueue<LedgerEvent> pending;
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;

    /** {@code node}: the name this node's events are written with (ledger.xml {@code <node>}). */
    public JdbcDeliveryLedger(DataSource database, int capacity, String node) throws SQLException {
        this.database = database;
        this.node = node;
        this.pending = new ArrayBlockingQueue<>(capacity);
        createTableIfMissing();
        this.writer = new Thread(this::writeLoop, "postern-ledger-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void record(LedgerEvent event) {
        if (closed || !pending.offer(event)) {
            LOGGER.warn("ledger full or closed, event not kept: {} {} {}", event.queueId(), event.recipient(), event.kind());
            return;
        }
        recorded.incrementAndGet();
    }

    @Override
    public List<LedgerEvent> find(LedgerQuery query, int limit) throws LedgerException {
        awaitWritten(Duration.ofSeconds(5));
        String sql = "SELECT " + COLUMNS + " FROM " + TABLE + " WHERE " + column(query.key()) + " = ? ORDER BY AT_MS, ID";
        try (Connection connection = database.getConnection(); PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, query.value());
            select.setMaxRows(limit);
            List<LedgerEvent> events = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    events.add(event(rows));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new LedgerException("cannot read the ledger: " + e.getMessage(), e);
        }
    }

    @Override
    public int purge(Instant before) throws LedgerException {
        try (Connection connection = database.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE AT_MS < ?")) {
            delete.setLong(1, before.toEpochMilli());
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new LedgerException("cannot purge the ledger: " + e.getMessage(), e);
        }
    }

    /** Waits until every event recorded before this call is in the table, or the timeout passes. */
    void awaitWritten(Duration timeout) {
        long target = recorded.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (written.get() < target && System.nanoTime() < deadline && writer.isAlive()) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @PreDestroy
    public void close() {
        closed = true;
        awaitWritten(Duration.ofSeconds(10));
        writer.interrupt();
    }

    private void writeLoop() {
        List<LedgerEvent> batch = new ArrayList<>(BATCH);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                LedgerEvent first = pending.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                pending.drainTo(batch, BATCH - 1);
                writeWithRetries(batch);
                written.addAndGet(batch.size());
                batch.clear();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void writeWithRetries(List<LedgerEvent> batch) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                insert(batch);
                return;
            } catch (SQLException e) {
                if (attempt == 5) {
                    LOGGER.error("ledger: {} events not kept after {} attempts: {}", batch.size(), attempt, e.getMessage());
                    return;
                }
                LOGGER.warn("ledger: write failed (attempt {}), retrying: {}", attempt, e.getMessage());
                Thread.sleep(1000L * attempt);
            }
        }
    }

    private void insert(List<LedgerEvent> batch) throws SQLException {
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + TABLE + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (LedgerEvent event : batch) {
                    insert.setLong(1, event.at().toEpochMilli());
                    insert.setString(2, cut(event.queueId(), 255));
                    setOptional(insert, 3, event.messageId(), 998);
                    setOptional(insert, 4, event.envelopeId(), 100);
                    insert.setString(5, cut(event.sender(), 320));
                    insert.setString(6, cut(event.recipient(), 320));
                    insert.setString(7, event.kind().name());
                    setOptional(insert, 8, event.host(), 255);
                    setOptional(insert, 9, event.address(), 64);
                    if (event.tls().isPresent()) {
                        insert.setShort(10, (short) (event.tls().get() ? 1 : 0));
                    } else {
                        insert.setNull(10, Types.SMALLINT);
                    }
                    setOptional(insert, 11, event.reply(), 1000);
                    setOptional(insert, 12, event.detail(), 1000);
                    setOptional(insert, 13, event.tlsLevel(), 64);
                    insert.setString(14, node);
                    insert.addBatch();
                }
                insert.executeBatch();
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private void createTableIfMissing() throws SQLException {
        try (Connection connection = database.getConnection()) {
            if (!JdbcTables.exists(connection, TABLE)) {
                try {
                    createTable(connection);
                } catch (SQLException e) {
                    // another node created it at the same moment: what counts is that it is there now
                    rollbackQuietly(connection);
                    if (!JdbcTables.exists(connection, TABLE)) {
                        throw e;
                    }
                }
            }
            for (String[] column : ADDED_COLUMNS) {
                addColumnIfMissing(connection, column[0], column[1]);
            }
        }
    }


    private static void createTable(Connection connection) throws SQLException {
        boolean sqlite = connection.getMetaData().getDatabaseProductName().equalsIgnoreCase("SQLite");
        try (Statement ddl = connection.createStatement()) {
            ddl.executeUpdate("CREATE TABLE " + TABLE + " (ID " + (sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY")
                + ", AT_MS BIGINT NOT NULL, QUEUE_ID VARCHAR(255) NOT NULL, MESSAGE_ID VARCHAR(998), ENVID VARCHAR(100), "
                + "SENDER VARCHAR(320), RECIPIENT VARCHAR(320), KIND VARCHAR(16) NOT NULL, HOST VARCHAR(255), "
                + "ADDRESS VARCHAR(64), TLS SMALLINT, REPLY VARCHAR(1000), DETAIL VARCHAR(1000), TLS_LEVEL VARCHAR(64), NODE VARCHAR(64))");
            for (String column : List.of("QUEUE_ID", "MESSAGE_ID", "ENVID", "SENDER", "RECIPIENT", "AT_MS")) {
                ddl.executeUpdate("CREATE INDEX " + TABLE + "_" + column + " ON " + TABLE + " (" + column + ")");
            }
        }
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
    }

    /** Ledgers made before a column existed get it (empty for their old events). */
    private static void addColumnIfMissing(Connection connection, String column, String type) throws SQLException {
        if (hasColumn(connection, column)) {
            return;
        }
        try (Statement ddl = connection.createStatement()) {
            ddl.executeUpdate("ALTER TABLE " + TABLE + " ADD COLUMN " + column + " " + type);
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
            LOGGER.info("ledger: added column {} to {}", column, TABLE);
        } catch (SQLException e) {
            rollbackQuietly(connection);
            if (!hasColumn(connection, column)) {
                throw e;
            }
        }
    }

    private static boolean hasColumn(Connection connection, String column) throws SQLException {
        try (Statement probe = connection.createStatement()) {
            probe.executeQuery("SELECT " + column + " FROM " + TABLE + " WHERE 1 = 0").close();
            return true;
        } catch (SQLException missing) {
            rollbackQuietly(connection);
            return false;
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
        } catch (SQLException e) {
            LOGGER.debug("ledger: rollback after a failed statement", e);
        }
    }

    private static String column(LedgerQuery.Key key) {
        return switch (key) {
            case QUEUE_ID -> "QUEUE_ID";
            case MESSAGE_ID -> "MESSAGE_ID";
            case ENVELOPE_ID -> "ENVID";
            case SENDER -> "SENDER";
            case RECIPIENT -> "RECIPIENT";
        };
    }

    private static LedgerEvent event(ResultSet row) throws SQLException {
        short tls = row.getShort("TLS");
        Optional<Boolean> tlsUsed = row.wasNull() ? Optional.empty() : Optional.of(tls == 1);
        return new LedgerEvent(Instant.ofEpochMilli(row.getLong("AT_MS")), row.getString("QUEUE_ID"),
            Optional.ofNullable(row.getString("MESSAGE_ID")), Optional.ofNullable(row.getString("ENVID")),
            row.getString("SENDER"), row.getString("RECIPIENT"), LedgerEvent.Kind.valueOf(row.getString("KIND")),
            Optional.ofNullable(row.getString("HOST")), Optional.ofNullable(row.getString("ADDRESS")), tlsUsed,
            Optional.ofNullable(row.getString("TLS_LEVEL")), Optional.ofNullable(row.getString("REPLY")),
            Optional.ofNullable(row.getString("DETAIL")), Optional.ofNullable(row.getString("NODE")));
    }

    private static void setOptional(PreparedStatement statement, int index, Optional<String> value, int max) throws SQLException {
        if (value.isPresent()) {
            statement.setString(index, cut(value.get(), max));
        } else {
            statement.setNull(index, Types.VARCHAR);
        }
    }

    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
