package org.postern.smtp;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import javax.inject.Singleton;

/**
 * The one timer thread of the SMTP listeners' session limits ({@link SessionTimeLimits}): each open session has at
 * most one pending check on it. A daemon thread, started with the first session, so it never holds the JVM up.
 */
@Singleton
public class SessionTimers {
    private volatile ScheduledExecutorService executor;

    ScheduledFuture<?> schedule(Runnable check, Duration delay) {
        return executor().schedule(check, Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
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
}
