package org.postern.pop3;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.annotation.PreDestroy;
import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.postern.jdbc.JdbcTables;

/**
 * Maildrop locks shared by every node on one database, in table {@code POSTERN_POP3_LOCK}: a row per locked
 * mailbox, with the process that holds it ({@code OWNER}, unique per start), its node name and a lease. The holder
 * renews its leases every {@link #RENEW_EVERY}; a node that dies leaves rows that expire within {@link #LEASE},
 * after which another login takes them over. A login costs one insert (two statements when the row is there), the
 * end of a session one delete.
 */
public class JdbcMaildropLocks implements MaildropLocks, AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(JdbcMaildropLocks.class);
    static final String TABLE = "POSTERN_POP3_LOCK";
    public static final Duration LEASE = Duration.ofSeconds(60);
    static final Duration RENEW_EVERY = Duration.ofSeconds(15);

    private final DataSource database;
    private final String node;
    private final String owner;
    private final Clock clock;
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService renewal = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "postern-pop3-lock-renewal");
        thread.setDaemon(true);
        return thread;
    });

    public JdbcMaildropLocks(DataSource database, String node, Clock clock) throws SQLException {
        this.database = database;
        this.node = node;
        this.owner = node + "/" + UUID.randomUUID();
        this.clock = clock;
        createTableIfMissing();
        long every = RENEW_EVERY.toMillis();
        renewal.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean acquire(String mailbox, String session) throws LockUnavailableException {
        String key = key(mailbox, session);
        long expires = clock.millis() + LEASE.toMillis();
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(true);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO " + TABLE + " (MAILBOX, OWNER, SESSION_ID, NODE, EXPIRES_MS) VALUES (?, ?, ?, ?, ?)")) {
                insert.setString(1, mailbox);
                insert.setString(2, owner);
                insert.setString(3, session);
                insert.setString(4, node);
                insert.setLong(5, expires);
                insert.executeUpdate();
                held.add(key);
                return true;
            } catch (SQLException taken) {
                if (taken.getSQLState() == null || !taken.getSQLState().startsWith("23")) {
                    throw taken;
                }
            }
            // the row is there: take it over only if its holder stopped renewing it
            try (PreparedStatement takeOver = connection.prepareStatement("UPDATE " + TABLE
                    + " SET OWNER = ?, SESSION_ID = ?, NODE = ?, EXPIRES_MS = ? WHERE MAILBOX = ? AND EXPIRES_MS < ?")) {
                takeOver.setString(1, owner);
                takeOver.setString(2, session);
                takeOver.setString(3, node);
                takeOver.setLong(4, expires);
                takeOver.setString(5, mailbox);
                takeOver.setLong(6, clock.millis());
                if (takeOver.executeUpdate() == 1) {
                    LOGGER.info("POP3 lock of {}: its holder's lease had run out, taken over", mailbox);
                    held.add(key);
                    return true;
                }
            }
            return false;
        } catch (SQLException e) {
            throw new LockUnavailableException("cannot lock mailbox " + mailbox + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void release(String mailbox, String session) {
        if (!held.remove(key(mailbox, session))) {
            return;
        }
        try (Connection connection = database.getConnection();
             PreparedStatement delete = connection.prepareStatement(
                 "DELETE FROM " + TABLE + " WHERE MAILBOX = ? AND OWNER = ? AND SESSION_ID = ?")) {
            connection.setAutoCommit(true);
            delete.setString(1, mailbox);
            delete.setString(2, owner);
            delete.setString(3, session);
            delete.executeUpdate();
        } catch (SQLException e) {
            LOGGER.warn("POP3 lock of {} not released ({}): it expires within {}s", mailbox, e.getMessage(), LEASE.toSeconds());
        }
    }

    /** Extends the lease of every lock this process holds. */
    void renew() {
        if (held.isEmpty()) {
            return;
        }
        try (Connection connection = database.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE " + TABLE + " SET EXPIRES_MS = ? WHERE OWNER = ?")) {
            connection.setAutoCommit(true);
            update.setLong(1, clock.millis() + LEASE.toMillis());
            update.setString(2, owner);
            update.executeUpdate();
        } catch (SQLException e) {
            LOGGER.warn("POP3 locks: lease renewal failed, retrying in {}s: {}", RENEW_EVERY.toSeconds(), e.getMessage());
        }
    }

    @PreDestroy
    @Override
    public void close() {
        renewal.shutdownNow();
        if (held.isEmpty()) {
            return;
        }
        try (Connection connection = database.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE OWNER = ?")) {
            connection.setAutoCommit(true);
            delete.setString(1, owner);
            delete.executeUpdate();
            held.clear();
        } catch (SQLException e) {
            LOGGER.warn("POP3 locks not released at stop ({}): they expire within {}s", e.getMessage(), LEASE.toSeconds());
        }
    }

    private static String key(String mailbox, String session) {
        return mailbox + "\n" + session;
    }

    private void createTableIfMissing() throws SQLException {
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(true);
            if (JdbcTables.exists(connection, TABLE)) {
                return;
            }
            try (Statement ddl = connection.createStatement()) {
                ddl.executeUpdate("CREATE TABLE " + TABLE + " (MAILBOX VARCHAR(320) NOT NULL PRIMARY KEY, OWNER VARCHAR(120) NOT NULL, "
                    + "SESSION_ID VARCHAR(64) NOT NULL, NODE VARCHAR(64) NOT NULL, EXPIRES_MS BIGINT NOT NULL)");
            } catch (SQLException e) {
                // another node created it at the same moment
                if (!JdbcTables.exists(connection, TABLE)) {
                    throw e;
                }
            }
        }
    }
}
