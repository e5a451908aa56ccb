package org.postern.mailstore;

/** {@link JdbcMessageMapperContract} on embedded Derby, the default database. */
class DerbyMessageMapperTest extends JdbcMessageMapperContract {
    @Override
    TestDatabase database() {
        return TestDatabase.sharedDerby();
    }
}
