package org.postern.mailstore;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;

import javax.sql.DataSource;

import org.apache.james.mailbox.exception.MailboxException;

/**
 * The connections of Postern's mailbox store (the database of {@code james-database.properties}, Derby or
 * PostgreSQL): every unit of work is one short transaction on a pooled connection, with plain prepared statements.
 *
 * <p>A write that loses a lock race (a deadlock or a serialization failure, which the database resolves by
 * aborting one side) is run again, a bounded number of times: each unit of work is written to be repeatable.</p>
 */
public final class MailboxDatabase {
    /** Derby deadlock and lock timeout, PostgreSQL serialization failure and deadlock. */
    private static final Set<String> TRANSIENT_STATES = Set.of("40001", "40XL1", "40XL2", "40P01");
    private static final int ATTEMPTS = 5;

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException, MailboxException;
    }

    /** Thrown by a unit of work that lost a race it can see (a row another node inserted first): roll back, run again. */
    public static final class RunAgain extends RuntimeException {
        public RunAgain() {
            super("run again", null, false, false);
        }
    }

    private final DataSource pool;

    public MailboxDatabase(DataSource pool) {
        this.pool = pool;
    }

    /** Reads with auto-commit: one statement, one consistent answer. */
    public <T> T read(Work<T> work) throws MailboxException {
        try (Connection connection = pool.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new MailboxException("mailbox database: " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} in one transaction, committed once it returns, rolled back if it throws. */
    public <T> T write(Work<T> work) throws MailboxException {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = pool.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    T result = work.run(connection);
                    connection.commit();
                    return result;
                } catch (SQLException | MailboxException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
            } catch (SQLException e) {
                if (attempt >= ATTEMPTS || !TRANSIENT_STATES.contains(e.getSQLState())) {
                    throw new MailboxException("mailbox database: " + e.getMessage(), e);
                }
            } catch (RunAgain e) {
                if (attempt >= ATTEMPTS) {
                    throw new MailboxException("mailbox database: gave up after " + ATTEMPTS + " conflicting attempts");
                }
            }
        }
    }
}
