package org.postern.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Questions about a database's tables that Postern's own tables (ledger, POP3 locks) ask at start. */
public final class JdbcTables {
    private JdbcTables() {
    }

    /**
     * Whether a table of this name exists, in any case: databases fold unquoted names differently (Derby and SQLite
     * keep upper case, PostgreSQL lower case), so the names are compared without case.
     */
    public static boolean exists(Connection connection, String table) throws SQLException {
        try (ResultSet tables = connection.getMetaData().getTables(null, null, null, new String[] {"TABLE"})) {
            while (tables.next()) {
                if (table.equalsIgnoreCase(tables.getString("TABLE_NAME"))) {
                    return true;
                }
            }
        }
        return false;
    }
}
