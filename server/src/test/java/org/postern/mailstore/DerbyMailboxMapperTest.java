package org.postern.mailstore;

/** {@link JdbcMailboxMapperContract} on embedded Derby, the default database. */
class DerbyMailboxMapperTest extends JdbcMailboxMapperContract {
    @Override
    TestDatabase database() {
        return TestDatabase.sharedDerby();
    }
}
