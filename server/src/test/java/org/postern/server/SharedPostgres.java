package org.postern.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;

/**
 * The test PostgreSQL that {@code .ci/run} starts (POSTERN_TEST_POSTGRES_URL: a JDBC URL to a database where the
 * user may CREATE DATABASE, with _USER and _PASSWORD): each test gets a fresh database. Without it, the test is
 * skipped, unless POSTERN_REQUIRE_POSTGRES=1 (CI), which makes that an error.
 */
record SharedPostgres(String adminUrl, String user, String password) {
    static SharedPostgres require() {
        String adminUrl = System.getenv("POSTERN_TEST_POSTGRES_URL");
        if (adminUrl == null && "1".equals(System.getenv("POSTERN_REQUIRE_POSTGRES"))) {
            throw new AssertionError("POSTERN_REQUIRE_POSTGRES=1 but POSTERN_TEST_POSTGRES_URL is not set");
        }
        Assumptions.assumeTrue(adminUrl != null, "no PostgreSQL given (POSTERN_TEST_POSTGRES_URL); .ci/run provides one");
        return new SharedPostgres(adminUrl, System.getenv("POSTERN_TEST_POSTGRES_USER"), System.getenv("POSTERN_TEST_POSTGRES_PASSWORD"));
    }

    /** A new, empty database; its JDBC URL. */
    String newDatabase() throws SQLException {
        String database = "postern_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(adminUrl, user, password); Statement sql = admin.createStatement()) {
            sql.execute("CREATE DATABASE " + database);
        }
        return adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1) + database;
    }

    Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    /** Points {@code conf}'s james-database.properties at {@code url}, with these extra lines. */
    void configure(Path conf, String url, String... extraLines) throws IOException {
        StringBuilder file = new StringBuilder(String.join("\n",
            "database.driverClassName=org.postgresql.Driver",
            "database.url=" + url,
            "database.username=" + user,
            "database.password=" + password, ""));
        for (String line : extraLines) {
            file.append(line).append('\n');
        }
        Files.writeString(conf.resolve("james-database.properties"), file.toString(), StandardCharsets.UTF_8);
    }
}
