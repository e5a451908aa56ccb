package org.postern.queue;

import org.apache.mailet.AttributeName;

/**
 * The delivery state that travels with a mail through the outbound queue, so that a re-queued mail carries its
 * history: the mail's recipients are the ones still pending, and these attributes say since when and how often.
 */
public final class DeliveryAttributes {
    /** When the mail first entered the outbound queue, epoch milliseconds (Long): the start of its lifetime. */
    public static final AttributeName ARRIVAL = AttributeName.of("org.postern.delivery.arrival");
    /** Delivery attempts made so far (Integer). */
    public static final AttributeName ATTEMPTS = AttributeName.of("org.postern.delivery.attempts");
    /** True once the sender got the delay notice for this mail (Boolean): it goes out once. */
    public static final AttributeName DELAY_NOTIFIED = AttributeName.of("org.postern.delivery.delayNotified");
    /** The reply that deferred the last attempt, e.g. "451 4.3.0 try later" (String); set on re-queue. */
    public static final AttributeName LAST_REPLY = AttributeName.of("org.postern.delivery.lastReply");

    private DeliveryAttributes() {
    }
}
