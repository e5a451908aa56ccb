package org.postern.server.queue;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many message bytes the queues may keep in memory, ready to hand out, besides the store: shared by all queues
 * of a factory, so that a burst never costs more heap than this. Beyond it, a mail is simply read back from the store.
 */
final class HotBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    HotBudget(long limit) {
        this.limit = limit;
    }

    boolean reserve(long bytes) {
        while (true) {
            long current = used.get();
            if (current + bytes > limit) {
                return false;
            }
            if (used.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    long used() {
        return used.get();
    }
}
