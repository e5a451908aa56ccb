package org.postern.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A delivery status notification (RFC 3464) for recipients that failed: a {@code multipart/report} with a
 * human-readable part, a {@code message/delivery-status} part (Reporting-MTA, Arrival-Date, then per recipient
 * Final-Recipient, Action, Status, Remote-MTA, Diagnostic-Code) and the headers of the original message
 * ({@code text/rfc822-headers}). Built as raw bytes, so it never depends on a mail API.
 */
public final class DsnBuilder {
    private static final DateTimeFormatter RFC5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private final String reportingMta;

    public DsnBuilder(String reportingMta) {
        this.reportingMta = reportingMta;
    }

    public byte[] failure(Envelope envelope, List<RecipientOutcome> failed, byte[] original, Instant now) {
        String boundary = "postern-dsn-" + UUID.randomUUID();
        StringBuilder m = new StringBuilder();
        m.append("From: Mail Delivery System <MAILER-DAEMON@").append(reportingMta).append(">\r\n");
        m.append("To: <").append(envelope.sender()).append(">\r\n");
        m.append("Subject: Undelivered Mail Returned to Sender\r\n");
        m.append("Date: ").append(date(now)).append("\r\n");
        m.append("Message-ID: <").append(UUID.randomUUID()).append('@').append(reportingMta).append(">\r\n");
        m.append("Auto-Submitted: auto-replied\r\n");
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"").append(boundary).append("\"\r\n");
        m.append("\r\nThis is a MIME-encapsulated message.\r\n\r\n");

        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Description: Notification\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
        m.append("This is the mail system at host ").append(reportingMta).append(".\r\n\r\n");
        m.append("Your message could not be delivered to one or more recipients.\r\n\r\n");
        for (RecipientOutcome outcome : failed) {
            m.append("<").append(outcome.recipient()).append(">: ")
                .append(outcome.host() == null ? "" : "host " + outcome.host() + " said: ")
                .append(ascii(outcome.reply().toString())).append("\r\n");
        }
        m.append("\r\n");

        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n");
        m.append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n");
        m.append("X-Postern-Queue-ID: ").append(envelope.queueId()).append("\r\n");
        m.append("Arrival-Date: ").append(date(envelope.arrival())).append("\r\n");
        for (RecipientOutcome outcome : failed) {
            m.append("\r\n");
            m.append("Final-Recipient: rfc822; ").append(outcome.recipient()).append("\r\n");
            m.append("Action: failed\r\n");
            m.append("Status: ").append(outcome.reply().enhanced()).append("\r\n");
            if (outcome.host() != null) {
                m.append("Remote-MTA: dns; ").append(outcome.host().host()).append("\r\n");
            }
            m.append("Diagnostic-Code: ").append(outcome.host() == null ? "X-Postern; " : "smtp; ")
                .append(ascii(outcome.reply().toString())).append("\r\n");
        }
        m.append("\r\n");

        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Description: Undelivered Message Headers\r\nContent-Type: text/rfc822-headers\r\n\r\n");
        m.append(new String(original, 0, headerLength(original), StandardCharsets.ISO_8859_1));
        m.append("\r\n--").append(boundary).append("--\r\n");
        return m.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Length of the header section (up to, not including, the empty line). */
    static int headerLength(byte[] message) {
        for (int i = 0; i + 1 < message.length; i++) {
            if (message[i] == '\n' && (message[i + 1] == '\n' || (message[i + 1] == '\r' && i + 2 < message.length && message[i + 2] == '\n'))) {
                return i + 1;
            }
        }
        return message.length;
    }

    /** How many Received headers the message carries (for loop detection). */
    public static int receivedHeaders(byte[] message) {
        String headers = new String(message, 0, headerLength(message), StandardCharsets.ISO_8859_1);
        int count = 0;
        for (String line : headers.split("\r?\n")) {
            if (line.regionMatches(true, 0, "Received:", 0, 9)) {
                count++;
            }
        }
        return count;
    }

    private static String ascii(String text) {
        return text.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static String date(Instant instant) {
        return RFC5322.format(ZonedDateTime.ofInstant(instant, ZoneOffset.UTC));
    }
}
