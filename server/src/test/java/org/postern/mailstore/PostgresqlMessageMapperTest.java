package org.postern.mailstore;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** {@link JdbcMessageMapperContract} on PostgreSQL (the one `.ci/run` starts; skipped when none is given). */
class PostgresqlMessageMapperTest extends JdbcMessageMapperContract {
    static TestDatabase database;

    @BeforeAll
    static void createDatabase() throws Exception {
        database = TestDatabase.postgres().orElse(null);
        Assumptions.assumeTrue(database != null, "no PostgreSQL given (POSTERN_TEST_POSTGRES_URL); .ci/run provides one");
    }

    @AfterAll
    static void closeDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    TestDatabase database() {
        return database;
    }
}
