package org.postern.delivery;

import java.time.Duration;
import java.time.Instant;

/**
 * When to try a deferred mail again, and when to give up (Postfix's qmgr: minimal_backoff_time 300s,
 * maximal_backoff_time 4000s, maximal_queue_lifetime 5d). The delay before retry {@code n} (n = 1 after the
 * first failed attempt) is {@code first * 2^(n-1)}, capped at {@code max}. A mail that still has pending
 * recipients after an attempt made {@code giveUpAfter} or more after its arrival is expired: its pending
 * recipients fail with 4.4.7.
 */
public record RetrySchedule(Duration first, Duration max, Duration giveUpAfter) {
    public static final RetrySchedule DEFAULT = new RetrySchedule(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofDays(5));

    public RetrySchedule {
        if (max.compareTo(first) < 0) {
            throw new IllegalArgumentException("max (" + max + ") must not be shorter than first (" + first + ")");
        }
    }

    /** The delay before the retry that follows failed attempt number {@code attempt} (1-based). */
    public Duration delayAfter(int attempt) {
        Duration delay = first;
        for (int i = 1; i < attempt && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) > 0 ? max : delay;
    }

    public boolean expired(Instant arrival, Instant now) {
        return !now.isBefore(arrival.plus(giveUpAfter));
    }
}
