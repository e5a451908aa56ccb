package org.postern.smtp.client;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A socket's output with a timeout per write, which Java sockets lack: a server that stops reading (its receive
 * window full) would otherwise hold a delivery thread forever. Each write to the socket arms a watchdog that closes
 * the socket when the write has not returned within the timeout (RFC 5321 4.5.3.2 "data block": 3 minutes).
 */
final class TimedOutputStream extends FilterOutputStream {
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "postern-smtp-write-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private final Socket socket;
    private final long timeoutMillis;

    TimedOutputStream(Socket socket, OutputStream out, Duration timeout) {
        super(out);
        this.socket = socket;
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        AtomicBoolean fired = new AtomicBoolean();
        ScheduledFuture<?> alarm = WATCHDOG.schedule(() -> {
            fired.set(true);
            try {
                socket.close();
            } catch (IOException e) {
                // closing is all we wanted
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        try {
            out.write(bytes, offset, length);
        } catch (IOException e) {
            if (fired.get()) {
                throw new SocketTimeoutException("write timed out after " + timeoutMillis + " ms");
            }
            throw e;
        } finally {
            alarm.cancel(false);
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }
}
