package org.postern.mailstore;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.persistence.EntityManagerFactory;

import org.apache.james.mailbox.exception.MailboxException;
import org.postern.server.DatabaseConfiguration;
import org.postern.server.PosternEntityManagerModule;
import org.postern.server.PosternMailboxModule;

/**
 * A database for the mailbox store's tests, its schema made by OpenJPA as the server makes it: embedded Derby in a
 * folder, or a fresh database on the PostgreSQL that {@code .ci/run} starts (POSTERN_TEST_POSTGRES_URL, _USER, _PASSWORD).
 */
final class TestDatabase implements AutoCloseable {
    final DatabaseConfiguration configuration;
    final EntityManagerFactory jpa;
    final MailboxDatabase database;

    private TestDatabase(DatabaseConfiguration configuration) {
        this.configuration = configuration;
        this.jpa = PosternEntityManagerModule.open(configuration);
        this.database = PosternMailboxModule.mailboxDatabase(configuration);
    }

    private static TestDatabase sharedDerby;
    private static Optional<TestDatabase> sharedPostgres;

    /** One Derby database for the contract tests of this JVM (each test empties the tables after itself). */
    static synchronized TestDatabase sharedDerby() {
        if (sharedDerby == null) {
            try {
                sharedDerby = derby(java.nio.file.Files.createTempDirectory("mailstore-derby").resolve("derby"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return sharedDerby;
    }

    /** One PostgreSQL database for the contract tests of this JVM; the test is skipped when no PostgreSQL is given. */
    static synchronized TestDatabase sharedPostgres() {
        if (sharedPostgres == null) {
            try {
                sharedPostgres = postgres();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(sharedPostgres.isPresent(),
            "no PostgreSQL given (POSTERN_TEST_POSTGRES_URL); .ci/run provides one");
        return sharedPostgres.get();
    }

    static TestDatabase derby(Path folder) {
        return new TestDatabase(new DatabaseConfiguration("org.apache.derby.jdbc.EmbeddedDriver",
            "jdbc:derby:" + folder.toAbsolutePath() + ";create=true", Optional.of("app"), Optional.of("app"), 16, Map.of(), DatabaseConfiguration.DEFAULT_CACHE_TTL, "test"));
    }

    /** A new database on the test PostgreSQL, or empty when none is given (an error when POSTERN_REQUIRE_POSTGRES=1). */
    static Optional<TestDatabase> postgres() throws SQLException {
        String adminUrl = System.getenv("POSTERN_TEST_POSTGRES_URL");
        if (adminUrl == null) {
            if ("1".equals(System.getenv("POSTERN_REQUIRE_POSTGRES"))) {
                throw new AssertionError("POSTERN_REQUIRE_POSTGRES=1 but POSTERN_TEST_POSTGRES_URL is not set");
            }
            return Optional.empty();
        }
        String user = System.getenv("POSTERN_TEST_POSTGRES_USER");
        String password = System.getenv("POSTERN_TEST_POSTGRES_PASSWORD");
        String name = "mailstore_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(adminUrl, user, password); Statement sql = admin.createStatement()) {
            sql.execute("CREATE DATABASE " + name);
        }
        return Optional.of(new TestDatabase(new DatabaseConfiguration("org.postgresql.Driver",
            adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1) + name, Optional.ofNullable(user), Optional.ofNullable(password),
            16, Map.of(), DatabaseConfiguration.DEFAULT_CACHE_TTL, "test")));
    }

    /** A store as the server builds it, with its own (empty) UID and mod-sequence blocks. */
    JdbcMailboxSessionMapperFactory newStore() throws MailboxException {
        return new JdbcMailboxSessionMapperFactory(database, jpa, new JdbcUidProvider(database), new JdbcModSeqProvider(database),
            Clock.systemUTC());
    }

    void clearMailboxes() throws MailboxException {
        database.write(connection -> {
            try (Statement sql = connection.createStatement()) {
                for (String table : new String[] {"JAMES_MAIL_PROPERTY", "JAMES_MAIL_USERFLAG", "JAMES_MAIL", "JAMES_MAILBOX"}) {
                    sql.executeUpdate("DELETE FROM " + table);
                }
            }
            return null;
        });
    }

    @Override
    public void close() {
        jpa.close();
    }
}
