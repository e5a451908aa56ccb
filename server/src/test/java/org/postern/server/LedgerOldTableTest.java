package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.ledger.JdbcDeliveryLedger;
import org.postern.ledger.LedgerEvent;
import org.postern.ledger.LedgerQuery;

/**
 * A ledger table from before the TLS level and the node were recorded gets those columns at start, and keeps its
 * events; a second node opening the table finds it complete.
 */
class LedgerOldTableTest {
    @TempDir
    Path data;

    @Test
    void anOldLedgerShouldGainTheTlsLevelAndNodeColumnsAndKeepItsEvents() throws Exception {
        EmbeddedDataSource derby = new EmbeddedDataSource();
        derby.setDatabaseName(data.resolve("ledger").toString());
        derby.setCreateDatabase("create");
        try (Connection connection = derby.getConnection(); Statement ddl = connection.createStatement()) {
            ddl.executeUpdate("CREATE TABLE POSTERN_LEDGER (ID BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                + "AT_MS BIGINT NOT NULL, QUEUE_ID VARCHAR(255) NOT NULL, MESSAGE_ID VARCHAR(998), ENVID VARCHAR(100), "
                + "SENDER VARCHAR(320), RECIPIENT VARCHAR(320), KIND VARCHAR(16) NOT NULL, HOST VARCHAR(255), "
                + "ADDRESS VARCHAR(64), TLS SMALLINT, REPLY VARCHAR(1000), DETAIL VARCHAR(1000))");
            ddl.executeUpdate("INSERT INTO POSTERN_LEDGER (AT_MS, QUEUE_ID, SENDER, RECIPIENT, KIND, TLS) "
                + "VALUES (1, 'Mail1', 's@example.test', 'a@dest.test', 'ATTEMPT', 1)");
        }

        JdbcDeliveryLedger ledger = new JdbcDeliveryLedger(derby, 100, "node-a");
        JdbcDeliveryLedger second = new JdbcDeliveryLedger(derby, 100, "node-b");
        try {
            ledger.record(LedgerEvent.of(Instant.ofEpochMilli(2), "Mail1", "s@example.test", "a@dest.test", LedgerEvent.Kind.ATTEMPT)
                .withHost("mx.dest.test", "192.0.2.1:25", true).withTlsLevel("dane/verified"));
            List<LedgerEvent> events = ledger.find(new LedgerQuery(LedgerQuery.Key.QUEUE_ID, "Mail1"), 10);

            assertThat(events).hasSize(2);
            assertThat(events.get(0).tls()).contains(true);
            assertThat(events.get(0).tlsLevel()).isEmpty();
            assertThat(events.get(1).tlsLevel()).contains("dane/verified");
            assertThat(events.get(0).node()).isEmpty();
            assertThat(events.get(1).node()).contains("node-a");
        } finally {
            ledger.close();
            second.close();
        }
    }
}
