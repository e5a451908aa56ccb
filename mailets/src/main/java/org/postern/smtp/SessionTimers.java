package org.postern.smtp;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import javax.annotation.PreDestroy;
import javax.inject.Singleton;

/**
 * The one timer thread of the SMTP listeners' session limits ({@link SessionTimeLimits}): each open session has at
 * most one pending check on it. A daemon thread, started with the first session and stopped with the server.
 */
@Singleton
public class SessionTimers {
    private volatile ScheduledExecutorService executor;

    /** The check, after the delay; none (null) once the server is stopping. */
    ScheduledFuture<?> schedule(Runnable check, Duration delay) {
        try {
            return executor().schedule(check, Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            return null;
        }
    }

    private ScheduledExecutorService executor() {
        ScheduledExecutorService current = executor;
        if (current == null) {
            synchronized (this) {
                if (executor == null) {
                    ScheduledThreadPoolExecutor created = new ScheduledThreadPoolExecutor(1, runnable -> {
                        Thread thread = new Thread(runnable, "postern-smtp-session-timers");
                        thread.setDaemon(true);
                        return thread;
                    });
                    created.setRemoveOnCancelPolicy(true);
                    executor = created;
                }
                current = executor;
            }
        }
        return current;
    }

    @PreDestroy
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
