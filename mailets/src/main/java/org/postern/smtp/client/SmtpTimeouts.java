package org.postern.smtp.client;

import java.time.Duration;

/**
 * The client's timeouts: RFC 5321 section 4.5.3.2 per stage, plus the connect timeout. {@code greeting} also bounds
 * EHLO/HELO, STARTTLS with its handshake and AUTH; {@code dataBlock} bounds every write.
 */
public record SmtpTimeouts(Duration connect, Duration greeting, Duration mail, Duration rcpt, Duration data,
                           Duration dataBlock, Duration dataEnd) {
    public static final SmtpTimeouts DEFAULT = new SmtpTimeouts(Duration.ofSeconds(30), Duration.ofMinutes(5),
        Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(2), Duration.ofMinutes(3), Duration.ofMinutes(10));

    /** The same timeout for every stage (callouts: one bound for a short dialogue). */
    public static SmtpTimeouts all(Duration timeout) {
        return new SmtpTimeouts(timeout, timeout, timeout, timeout, timeout, timeout, timeout);
    }
}
