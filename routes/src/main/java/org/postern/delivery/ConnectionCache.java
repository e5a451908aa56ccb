package org.postern.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.postern.smtp.client.SmtpSession;

/**
 * Idle SMTP sessions kept for the next message to the same host address and port under the same options (TLS
 * requirement, credentials, source address), as Postfix's scache: a session
 * is reused only while it has been idle less than {@code idleTime}, is younger than {@code maxLifetime} and has
 * carried fewer than {@code maxUses} transactions. A background sweep closes (QUIT) sessions past their idle time.
 */
public final class ConnectionCache implements AutoCloseable {
    private final DeliverySettings.CacheLimits limits;
    private final Map<String, Deque<SmtpSession>> idle = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;

    public ConnectionCache(DeliverySettings.CacheLimits limits) {
        this.limits = limits;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "postern-smtp-connection-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(100, Math.min(1_000, limits.idleTime().toMillis() / 2));
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /** A live idle session under this key ({@link SmtpSession#cacheKey()}: target and options), or null. */
    public SmtpSession take(String key) {
        Deque<SmtpSession> sessions = idle.get(key);
        if (sessions == null) {
            return null;
        }
        while (true) {
            SmtpSession connection;
            synchronized (sessions) {
                connection = sessions.pollFirst();
            }
            if (connection == null) {
                return null;
            }
            if (reusable(connection)) {
                return connection;
            }
            connection.close();
        }
    }

    /** Keeps the session for reuse when it may still be reused, else closes it. */
    public void give(SmtpSession connection) {
        connection.markIdle();
        if (!reusable(connection)) {
            connection.close();
            return;
        }
        Deque<SmtpSession> sessions = idle.computeIfAbsent(connection.cacheKey(), any -> new ArrayDeque<>());
        synchronized (sessions) {
            sessions.addFirst(connection);
        }
    }

    private boolean reusable(SmtpSession connection) {
        return connection.usable()
            && connection.transactions() < limits.maxUses()
            && connection.age().compareTo(limits.maxLifetime()) < 0
            && connection.idle().compareTo(limits.idleTime()) < 0;
    }

    private void sweep() {
        for (Deque<SmtpSession> sessions : idle.values()) {
            List<SmtpSession> expired = new ArrayList<>();
            synchronized (sessions) {
                sessions.removeIf(connection -> {
                    boolean gone = !reusable(connection);
                    if (gone) {
                        expired.add(connection);
                    }
                    return gone;
                });
            }
            expired.forEach(SmtpSession::close);
        }
    }

    public int idleCount() {
        return idle.values().stream().mapToInt(sessions -> {
            synchronized (sessions) {
                return sessions.size();
            }
        }).sum();
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        for (Deque<SmtpSession> sessions : idle.values()) {
            List<SmtpSession> all;
            synchronized (sessions) {
                all = new ArrayList<>(sessions);
                sessions.clear();
            }
            all.forEach(SmtpSession::close);
        }
    }
}
