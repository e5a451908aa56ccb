package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.ledger.JdbcDeliveryLedger;
import org.postern.ledger.LedgerEvent;

/**
 * A ledger kept in embedded Derby by an earlier version is moved into the SQLite ledger at the first start of this
 * version, once: its events answer webadmin queries, and a second start does not copy them again.
 */
class LedgerUpgradeTest {
    @TempDir
    Path work;

    @Test
    void eventsAnEarlierVersionKeptInDerbyShouldBeFoundOnceAfterTheUpgrade() throws Exception {
        Path data = work.resolve("data");
        BasicDataSource derby = new BasicDataSource();
        derby.setDriverClassName("org.apache.derby.jdbc.EmbeddedDriver");
        derby.setUrl("jdbc:derby:" + data.resolve("store/derby").toAbsolutePath() + ";create=true");
        JdbcDeliveryLedger old = new JdbcDeliveryLedger(derby, 10, "old-node");
        old.record(LedgerEvent.of(Instant.now().minusSeconds(3600), "old-queue-id", "someone@example.test", "friend@dest.test",
                LedgerEvent.Kind.DELIVERED)
            .withMessage(Optional.of("<old@example.test>"), Optional.empty())
            .withHost("mx.dest.test", "127.0.0.9", true)
            .withReply("250 2.0.0 ok"));
        old.close();
        derby.close();

        for (int start = 1; start <= 2; start++) {
            try (InJvmPostern postern = InJvmPostern.start(InJvmPostern.SHIPPED_CONF, data)) {
                String events = WebAdminClient.get(postern.ports().webAdmin(), "/postern/ledger?queueId=old-queue-id").body();
                assertThat(events.split("\"queueId\":\"old-queue-id\"", -1)).as("start " + start + ": " + events).hasSize(2);
                assertThat(events).contains("250 2.0.0 ok").contains("mx.dest.test");
            }
        }
        assertThat(data.resolve("store/ledger.db")).exists();
    }
}
