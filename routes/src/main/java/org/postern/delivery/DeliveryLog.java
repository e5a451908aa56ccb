package org.postern.delivery;

import org.postern.smtp.ArrivalLogHook;
import org.postern.smtp.client.SmtpReply;
import org.postern.smtp.client.Target;
import org.postern.smtp.client.TlsState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The maillog's delivery lines, Postfix-shaped, one per attempt and recipient (the arrival's {@code client=} and
 * {@code from=} lines come from the SMTP server, {@link ArrivalLogHook}):
 * <pre>
 * Mail123: to=&lt;a@example.com&gt;, nexthop=mx:example.com, relay=mx1.example.com[192.0.2.1]:25, conn_use=2,
 *   tls=dane/verified, delay=1.2, delays=0.02/0.9/0.12/0.16, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as ABC)
 * </pre>
 * {@code delay}: seconds from acceptance to the end of this attempt, split as Postfix does into {@code delays=a/b/c/d}:
 * a, acceptance to the hand-off to delivery (spool and pipeline); b, hand-off to this attempt's start (outbound queue,
 * earlier attempts, the wait for a free slot of the next hop); c, the attempt's start to the deciding host's mail
 * transaction (DNS, earlier hosts, connect, greeting, EHLO, STARTTLS, AUTH; 0 on a cached connection); d, that
 * transaction. {@code conn_use}: the session had carried this many transactions, this one included (only on a cached
 * connection). {@code tls}: the session's level and what it got ({@link TlsState}), absent when no session was
 * opened; a TLS failure that is only reported (MTA-STS testing) follows as {@code tls-report=…}.
 */
public final class DeliveryLog {
    private static final Logger LOGGER = LoggerFactory.getLogger(ArrivalLogHook.MAILLOG);

    private DeliveryLog() {
    }

    /**
     * When an attempt's steps happened (epoch ms): its start, the deciding host's transaction start, the end; and the
     * transactions the session had carried ({@code conn_use}), 0 without a session.
     */
    public record Times(long start, long transaction, long end, int connectionUse) {
        /** An outcome decided at once, without a session (DNS failure, loop, expiry). */
        public static Times now() {
            long now = System.currentTimeMillis();
            return new Times(now, now, now, 0);
        }

        /** A host failed before its transaction: all of it is connection setup. */
        public static Times failedSince(long start) {
            long now = System.currentTimeMillis();
            return new Times(start, now, now, 0);
        }
    }

    public static void attempt(Envelope envelope, String recipient, Target host, TlsState tls, String status, SmtpReply reply,
                               Times times) {
        boolean sent = "sent".equals(status);
        if (sent ? !LOGGER.isInfoEnabled() : !LOGGER.isWarnEnabled()) {
            return;
        }
        long accepted = acceptedMillis(envelope.queueId(), envelope.arrival().toEpochMilli());
        long handedOff = Math.max(accepted, envelope.arrival().toEpochMilli());
        StringBuilder line = new StringBuilder(256).append(envelope.queueId()).append(": to=<").append(recipient)
            .append(">, nexthop=").append(envelope.nextHop()).append(", relay=").append(host == null ? "none" : host.toString());
        if (times.connectionUse() > 1) {
            line.append(", conn_use=").append(times.connectionUse());
        }
        if (tls != null) {
            line.append(", tls=").append(tls.summary());
        }
        line.append(", delay=");
        seconds(line, times.end() - accepted);
        line.append(", delays=");
        seconds(line, handedOff - accepted);
        seconds(line.append('/'), times.start() - handedOff);
        seconds(line.append('/'), times.transaction() - times.start());
        seconds(line.append('/'), times.end() - times.transaction());
        line.append(", dsn=").append(reply.enhanced()).append(", status=").append(status).append(" (").append(reply).append(')');
        if (tls != null && tls.note().isPresent()) {
            line.append(", tls-report=").append(tls.note().get());
        }
        if (sent) {
            LOGGER.info(line.toString());
        } else {
            LOGGER.warn(line.toString());
        }
    }

    /** Seconds with at most two decimals, trailing zeros dropped, as Postfix prints delays: 0, 0.05, 1.2, 36. */
    static void seconds(StringBuilder line, long millis) {
        long centis = Math.max(0, (millis + 5) / 10);
        line.append(centis / 100);
        long fraction = centis % 100;
        if (fraction != 0) {
            line.append('.').append(fraction / 10);
            if (fraction % 10 != 0) {
                line.append(fraction % 10);
            }
        }
    }

    /**
     * When the message was accepted (epoch ms): James names a mail "Mail" + the epoch milliseconds of its creation at
     * acceptance + "-" + a UUID, so that time is read from the queue id (without allocating: this runs for every
     * delivered mail); otherwise, or when that is later, its arrival in the outbound queue.
     */
    public static long acceptedMillis(String queueId, long arrival) {
        if (queueId == null || !queueId.startsWith("Mail")) {
            return arrival;
        }
        long created = 0;
        int digits = 0;
        for (int i = 4; i < queueId.length(); i++) {
            char c = queueId.charAt(i);
            if (c == '-' && digits >= 12 && digits <= 14) {
                return Math.min(created, arrival);
            }
            if (c < '0' || c > '9' || ++digits > 14) {
                return arrival;
            }
            created = created * 10 + (c - '0');
        }
        return arrival;
    }

    public static void event(String queueId, String text) {
        LOGGER.info("{}: {}", queueId, text);
    }
}
