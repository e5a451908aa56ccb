package org.postern.ledger;

import java.time.Instant;
import java.util.List;

/** The ledger of a James without Postern's storage module: keeps nothing, finds nothing. */
public class NoDeliveryLedger implements DeliveryLedger {
    @Override
    public void record(LedgerEvent event) {
        // nothing kept
    }

    @Override
    public List<LedgerEvent> find(LedgerQuery query, int limit) {
        return List.of();
    }

    @Override
    public int purge(Instant before) {
        return 0;
    }
}
