package org.postern.mailstore;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** {@link JdbcMailboxMapperContract} on embedded Derby, the default database. */
class DerbyMailboxMapperTest extends JdbcMailboxMapperContract {
    @TempDir
    static Path folder;
    static TestDatabase database;

    @BeforeAll
    static void createDatabase() {
        database = TestDatabase.derby(folder.resolve("derby"));
    }

    @AfterAll
    static void closeDatabase() {
        database.close();
    }

    @Override
    TestDatabase database() {
        return database;
    }
}
