package org.postern.ledger;

import java.time.Instant;
import java.util.List;

import com.google.inject.ImplementedBy;

/**
 * Every recipient's history, from arrival to the final outcome and the DSN sent, kept for a configured time so
 * that "what happened to this mail?" has an answer long after delivery. Recording never blocks or fails the mail
 * it describes. Without a configured store (a stock James), nothing is kept.
 */
@ImplementedBy(NoDeliveryLedger.class)
public interface DeliveryLedger {
    void record(LedgerEvent event);

    /** The events matching the query, oldest first, at most {@code limit}. */
    List<LedgerEvent> find(LedgerQuery query, int limit) throws LedgerException;

    /** Forgets events older than {@code before}; returns how many. */
    int purge(Instant before) throws LedgerException;

    class LedgerException extends Exception {
        public LedgerException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
