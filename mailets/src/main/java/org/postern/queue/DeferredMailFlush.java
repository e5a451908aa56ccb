package org.postern.queue;

/**
 * Starts delivery now of the deferred mail waiting in the outbound queue for a destination (ETRN, queue control).
 * The queue backend provides it; a flush must be atomic per message: a message is either still deferred or due
 * now, never lost or doubled by the flush.
 */
public interface DeferredMailFlush {
    /** The outbound queue's name in James's mail queues. */
    String OUTBOUND_QUEUE = "outbound";

    /**
     * Makes every deferred message with a recipient in {@code domain} (and, when {@code subdomains}, in any domain
     * ending with {@code .domain}) due now.
     *
     * @return how many messages were made due
     * @throws FlushException when the queue cannot be read or written now
     */
    int flush(String domain, boolean subdomains) throws FlushException;

    class FlushException extends Exception {
        public FlushException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
