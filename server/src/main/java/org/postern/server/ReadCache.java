package org.postern.server;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.util.concurrent.UncheckedExecutionException;

/**
 * What this node read from the shared database about rarely changing data (domains, users, aliases), kept for
 * {@code ttl}: a change made through this node empties it at once ({@link #invalidateAll()}), a change made by
 * another node sharing the database is seen within {@code ttl}. A zero {@code ttl} reads the database every time.
 * A failed read is never kept.
 */
final class ReadCache<K, V> {
    /** The largest number of answers kept; the least recently used go first. */
    private static final long MAXIMUM_ENTRIES = 100_000;

    private final Cache<K, V> answers;

    ReadCache(Duration ttl) {
        this.answers = ttl.isZero() ? null : CacheBuilder.newBuilder()
            .expireAfterWrite(ttl)
            .maximumSize(MAXIMUM_ENTRIES)
            .build();
    }

    /** The kept answer for {@code key}, else {@code read}'s (kept); {@code read}'s exception is rethrown as is. */
    <E extends Exception> V get(K key, Reader<V, E> read) throws E {
        if (answers == null) {
            return read.read();
        }
        try {
            return answers.get(key, (Callable<V>) read::read);
        } catch (ExecutionException | UncheckedExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            @SuppressWarnings("unchecked")
            E checked = (E) cause;
            throw checked;
        }
    }

    void invalidateAll() {
        if (answers != null) {
            answers.invalidateAll();
        }
    }

    @FunctionalInterface
    interface Reader<V, E extends Exception> {
        V read() throws E;
    }
}
