package org.postern.server;

import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.spi.LifeCycle;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusListener;
import ch.qos.logback.core.util.StatusPrinter;

/**
 * Logback's own status messages, errors only, on stderr ({@code <statusListener>} of the shipped logback.xml). The
 * shipped file defines a console and a file appender and uses the one {@code POSTERN_LOG} names; logback notes the
 * other as unused at every start, a warning that would print its whole status report. Errors, such as a log folder
 * that cannot be written, are still printed.
 */
public final class LogbackErrors extends ContextAwareBase implements StatusListener, LifeCycle {
    private volatile boolean started;

    @Override
    public void addStatusEvent(Status status) {
        if (started && status.getLevel() == Status.ERROR) {
            StringBuilder text = new StringBuilder();
            StatusPrinter.buildStr(text, "", status);
            System.err.print(text);
        }
    }

    @Override
    public void start() {
        started = true;
    }

    @Override
    public void stop() {
        started = false;
    }

    @Override
    public boolean isStarted() {
        return started;
    }
}
