package org.postern.smtp;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSessionImpl;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.ProtocolHandlerResultHandler;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataLineFilter;
import org.apache.james.protocols.smtp.core.HeloCmdHandler;
import org.apache.james.protocols.smtp.core.MailCmdHandler;
import org.apache.james.protocols.smtp.core.RsetCmdHandler;
import org.apache.james.protocols.smtp.core.esmtp.EhloCmdHandler;
import org.postern.config.HandlerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Time limits that hold, each answered {@code 421 4.4.2} before the connection is closed:
 * <ul>
 *   <li>{@code idleTimeout} (default 5m): no complete command or message line from the client for that long. James's
 *       own {@code <connectiontimeout>} closes a silent connection only after twice its value and without a reply;
 *       keep it at least as long, as a backstop.</li>
 *   <li>{@code transactionTimeout} (default 10m): from the accepted MAIL FROM to the end of the message data, however
 *       busy the client looks, so that one sending a byte a second cannot hold a session (and its resources) for
 *       hours. RSET, HELO and EHLO end the transaction without sending.</li>
 * </ul>
 * Once the end-of-data line has arrived the transaction clock stops, so a message being put on disk is never cut
 * off. Put it in every SMTP listener's handler chain; the checks run on one timer thread ({@link SessionTimers}).
 *
 * <pre>{@code
 * <handler class="org.postern.smtp.SessionTimeLimits">
 *     <idleTimeout>5m</idleTimeout>
 *     <transactionTimeout>10m</transactionTimeout>
 * </handler>
 * }</pre>
 */
public class SessionTimeLimits implements ConnectHandler<SMTPSession>, DisconnectHandler<SMTPSession>,
        ProtocolHandlerResultHandler<Response, SMTPSession>, DataLineFilter {
    private static final Logger LOGGER = LoggerFactory.getLogger(SessionTimeLimits.class);
    static final Duration DEFAULT_IDLE = Duration.ofMinutes(5);
    static final Duration DEFAULT_TRANSACTION = Duration.ofMinutes(10);
    private static final ProtocolSession.AttachmentKey<SessionClock> CLOCK = ProtocolSession.AttachmentKey.of("postern.sessionClock", SessionClock.class);
    private static final Response IDLE = SpecialReplies.closing(SMTPRetCode.SERVICE_NOT_AVAILABLE, "4.4.2 Idle timeout, closing connection");
    private static final Response TRANSACTION_TOO_LONG = SpecialReplies.closing(SMTPRetCode.SERVICE_NOT_AVAILABLE, "4.4.2 Transaction time limit exceeded, closing connection");

    private final SessionTimers timers;
    private Duration idle = DEFAULT_IDLE;
    private Duration transaction = DEFAULT_TRANSACTION;

    @Inject
    public SessionTimeLimits(SessionTimers timers) {
        this.timers = timers;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        HandlerSettings settings = HandlerSettings.of(config, "smtpserver.xml", getClass(), "idleTimeout", "transactionTimeout");
        idle = settings.duration("idleTimeout", DEFAULT_IDLE);
        transaction = settings.duration("transactionTimeout", DEFAULT_TRANSACTION);
    }

    @Override
    public Response onConnect(SMTPSession session) {
        SessionClock clock = new SessionClock(System.nanoTime());
        session.setAttachment(CLOCK, clock, ProtocolSession.State.Connection);
        scheduleCheck(session, clock, idle);
        return SpecialReplies.NOTHING;
    }

    @Override
    public void onDisconnect(SMTPSession session) {
        if (session != null) {
            clock(session).ifPresent(SessionClock::stop);
        }
    }

    /** Every command line (through James's command dispatcher) counts as activity; MAIL, RSET, HELO, EHLO move the transaction clock. */
    @Override
    public Response onResponse(ProtocolSession session, Response response, long executionTime, ProtocolHandler handler) {
        clock(session).ifPresent(clock -> {
            long now = System.nanoTime();
            clock.lastActivity = now;
            if (handler instanceof MailCmdHandler && response != null && SMTPRetCode.MAIL_OK.equals(response.getRetCode())) {
                clock.transactionStart = now;
            } else if (handler instanceof RsetCmdHandler || handler instanceof HeloCmdHandler || handler instanceof EhloCmdHandler) {
                clock.transactionStart = 0;
            }
        });
        return response;
    }

    /** Every message line counts as activity; the end-of-data line stops the transaction clock. */
    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        clock(session).ifPresent(clock -> {
            clock.lastActivity = System.nanoTime();
            if (line.length == 3 && line[0] == '.' && line[1] == '\r' && line[2] == '\n') {
                clock.transactionStart = 0;
            }
        });
        return next.onLine(session, line);
    }

    private void check(SMTPSession session, SessionClock clock) {
        if (clock.stopped) {
            return;
        }
        long now = System.nanoTime();
        long transactionStart = clock.transactionStart;
        Duration sinceActivity = Duration.ofNanos(now - clock.lastActivity);
        if (transactionStart != 0 && Duration.ofNanos(now - transactionStart).compareTo(transaction) >= 0) {
            close(session, TRANSACTION_TOO_LONG, "transaction longer than " + transaction.toSeconds() + "s");
        } else if (sinceActivity.compareTo(idle) >= 0) {
            close(session, IDLE, "idle for " + sinceActivity.toSeconds() + "s");
        } else {
            Duration next = idle.minus(sinceActivity);
            if (transactionStart != 0) {
                Duration transactionLeft = transaction.minus(Duration.ofNanos(now - transactionStart));
                next = next.compareTo(transactionLeft) < 0 ? next : transactionLeft;
            }
            scheduleCheck(session, clock, next);
        }
    }

    private void scheduleCheck(SMTPSession session, SessionClock clock, Duration delay) {
        clock.pending = timers.schedule(() -> check(session, clock), delay);
    }

    private static void close(SMTPSession session, Response response, String reason) {
        LOGGER.info("Session from {}: {}: 421 4.4.2, closing", session.getRemoteAddress().getAddress().getHostAddress(), reason);
        ((ProtocolSessionImpl) session).getProtocolTransport().writeResponse(response, session);
    }

    private static Optional<SessionClock> clock(ProtocolSession session) {
        return session.getAttachment(CLOCK, ProtocolSession.State.Connection);
    }

    /** Nanosecond stamps written by the session's thread, read by the timer thread. */
    static final class SessionClock {
        volatile long lastActivity;
        volatile long transactionStart;
        volatile boolean stopped;
        volatile ScheduledFuture<?> pending;

        SessionClock(long now) {
            this.lastActivity = now;
        }

        void stop() {
            stopped = true;
            ScheduledFuture<?> current = pending;
            if (current != null) {
                current.cancel(false);
            }
        }
    }
}
