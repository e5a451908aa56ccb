package org.postern.mailstore;

/** {@link JdbcMailboxMapperContract} on PostgreSQL (the one `.ci/run` starts; skipped when none is given). */
class PostgresqlMailboxMapperTest extends JdbcMailboxMapperContract {
    @Override
    TestDatabase database() {
        return TestDatabase.sharedPostgres();
    }
}
