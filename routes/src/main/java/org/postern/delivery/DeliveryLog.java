package org.postern.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.postern.smtp.client.SmtpReply;
import org.postern.smtp.client.Target;
import org.postern.smtp.client.TlsState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Postfix-style maillog lines, one per attempt and recipient ({@code delay}: seconds since the message was accepted;
 * {@code tls}: the session's level and what it got, see {@link TlsState}, absent when no session was opened):
 * {@code Mail123: to=<a@example.com>, nexthop=mx:example.com, relay=mx1.example.com[192.0.2.1]:25,
 * tls=dane/verified, delay=1.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as ABC)}; a TLS failure that is only
 * reported (MTA-STS testing) follows as {@code tls-report=…}.
 */
public final class DeliveryLog {
    private static final Pattern JAMES_NAME = Pattern.compile("Mail(\\d{12,14})-.*");
    private static final Logger LOGGER = LoggerFactory.getLogger("org.postern.delivery.maillog");

    private DeliveryLog() {
    }

    /** A line about an outcome decided without a session (expiry). */
    public static void attempt(Envelope envelope, String recipient, Target host, String status, SmtpReply reply) {
        attempt(envelope, recipient, host, null, status, reply);
    }

    public static void attempt(Envelope envelope, String recipient, Target host, TlsState tls, String status, SmtpReply reply) {
        String line = String.format(Locale.ROOT, "%s: to=<%s>, nexthop=%s, relay=%s, %sdelay=%.1f, dsn=%s, status=%s (%s)%s",
            envelope.queueId(), recipient, envelope.nextHop(), host == null ? "none" : host.toString(),
            tls == null ? "" : "tls=" + tls.summary() + ", ",
            Duration.between(accepted(envelope), Instant.now()).toMillis() / 1000.0, reply.enhanced(), status, reply,
            tls == null ? "" : tls.note().map(note -> ", tls-report=" + note).orElse(""));
        if ("sent".equals(status)) {
            LOGGER.info(line);
        } else {
            LOGGER.warn(line);
        }
    }

    /**
     * When the message was accepted: James names a mail "Mail" + the epoch milliseconds of its creation at
     * acceptance + "-" + a UUID, so that time is read from the queue id; otherwise its arrival in the outbound queue.
     */
    static Instant accepted(Envelope envelope) {
        Matcher matcher = JAMES_NAME.matcher(envelope.queueId() == null ? "" : envelope.queueId());
        if (matcher.matches()) {
            Instant created = Instant.ofEpochMilli(Long.parseLong(matcher.group(1)));
            if (!created.isAfter(envelope.arrival())) {
                return created;
            }
        }
        return envelope.arrival();
    }

    public static void event(String queueId, String text) {
        LOGGER.info("{}: {}", queueId, text);
    }
}
