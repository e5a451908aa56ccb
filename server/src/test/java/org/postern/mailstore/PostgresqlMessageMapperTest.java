package org.postern.mailstore;

/** {@link JdbcMessageMapperContract} on PostgreSQL (the one `.ci/run` starts; skipped when none is given). */
class PostgresqlMessageMapperTest extends JdbcMessageMapperContract {
    @Override
    TestDatabase database() {
        return TestDatabase.sharedPostgres();
    }
}
