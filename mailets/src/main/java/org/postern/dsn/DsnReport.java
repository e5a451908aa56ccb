package org.postern.dsn;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The one writer of delivery status notifications (RFC 3464), for the delivery routes and for local delivery:
 * a {@code multipart/report; report-type=delivery-status} with a human-readable part, a
 * {@code message/delivery-status} part (Reporting-MTA, Original-Envelope-Id, Arrival-Date, then per recipient
 * Original-Recipient, Final-Recipient, Action, Status, Remote-MTA, Diagnostic-Code, Will-Retry-Until), and the
 * original message ({@code message/rfc822}) or its headers ({@code text/rfc822-headers}). Built as raw bytes, so it
 * depends on no mail API and never re-encodes the original.
 */
public final class DsnReport {
    private static final DateTimeFormatter RFC5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    /** RFC 3464 section 2.3.3 actions, each with its subject and explanation. */
    public enum Action {
        FAILED("failed", "Undelivered Mail Returned to Sender", "Your message could not be delivered to one or more recipients."),
        DELAYED("delayed", "Delayed Mail (still being retried)", "Your message could not be delivered yet; it will be retried."),
        DELIVERED("delivered", "Successful Mail Delivery Report", "Your message was delivered to the mailbox of the recipients below."),
        RELAYED("relayed", "Successful Mail Delivery Report",
            "Your message was relayed to a server that does not send delivery notifications; no further notice will follow.");

        final String field;
        final String subject;
        final String explanation;

        Action(String field, String subject, String explanation) {
            this.field = field;
            this.subject = subject;
            this.explanation = explanation;
        }

        /** The Action field value, also the ledger's DSN detail: failed, delayed, delivered, relayed. */
        public String field() {
            return field;
        }
    }

    /**
     * One recipient's block. {@code remoteMta} and {@code diagnostic} are absent when no host answered
     * ({@code diagnostic} is then Postern's own text); {@code willRetryUntil} only for a delay.
     */
    public record Entry(String finalRecipient, Optional<String> originalRecipient, String status, Optional<String> remoteMta,
                        Optional<String> diagnostic, boolean diagnosticFromRemote, Optional<Instant> willRetryUntil) {
    }

    /** The message and how it was received: its queue id, arrival, ENVID (decoded), and its bytes. */
    public record Original(String queueId, Instant arrival, Optional<String> envelopeId, byte[] message) {
    }

    private final String reportingMta;

    public DsnReport(String reportingMta) {
        this.reportingMta = reportingMta;
    }

    public byte[] build(Action action, String to, Original original, List<Entry> entries, boolean fullMessage, Instant now) {
        String boundary = "postern-dsn-" + UUID.randomUUID();
        StringBuilder m = new StringBuilder();
        m.append("From: Mail Delivery System <MAILER-DAEMON@").append(reportingMta).append(">\r\n");
        m.append("To: <").append(to).append(">\r\n");
        m.append("Subject: ").append(action.subject).append("\r\n");
        m.append("Date: ").append(date(now)).append("\r\n");
        m.append("Message-ID: <").append(UUID.randomUUID()).append('@').append(reportingMta).append(">\r\n");
        m.append("Auto-Submitted: auto-replied\r\n");
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"").append(boundary).append("\"\r\n");
        m.append("\r\nThis is a MIME-encapsulated message.\r\n\r\n");

        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Description: Notification\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
        m.append("This is the mail system at host ").append(reportingMta).append(".\r\n\r\n");
        m.append(action.explanation).append("\r\n\r\n");
        for (Entry entry : entries) {
            m.append("<").append(entry.finalRecipient()).append(">: ")
                .append(entry.remoteMta().map(host -> "host " + host + " said: ").orElse(""))
                .append(ascii(entry.diagnostic().orElse(entry.status()))).append("\r\n");
        }
        m.append("\r\n");

        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n");
        m.append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n");
        original.envelopeId().ifPresent(envId -> m.append("Original-Envelope-Id: ").append(ascii(envId)).append("\r\n"));
        m.append("X-Postern-Queue-ID: ").append(original.queueId()).append("\r\n");
        m.append("Arrival-Date: ").append(date(original.arrival())).append("\r\n");
        for (Entry entry : entries) {
            m.append("\r\n");
            entry.originalRecipient().ifPresent(orcpt -> m.append("Original-Recipient: rfc822; ").append(orcpt).append("\r\n"));
            m.append("Final-Recipient: rfc822; ").append(entry.finalRecipient()).append("\r\n");
            m.append("Action: ").append(action.field).append("\r\n");
            m.append("Status: ").append(entry.status()).append("\r\n");
            entry.remoteMta().ifPresent(host -> m.append("Remote-MTA: dns; ").append(host).append("\r\n"));
            entry.diagnostic().ifPresent(text -> m.append("Diagnostic-Code: ").append(entry.diagnosticFromRemote() ? "smtp; " : "X-Postern; ")
                .append(ascii(text)).append("\r\n"));
            entry.willRetryUntil().ifPresent(until -> m.append("Will-Retry-Until: ").append(date(until)).append("\r\n"));
        }
        m.append("\r\n");

        m.append("--").append(boundary).append("\r\n");
        byte[] tail;
        if (fullMessage) {
            m.append("Content-Description: Undelivered Message\r\nContent-Type: message/rfc822\r\n\r\n");
            tail = original.message();
        } else {
            m.append("Content-Description: Message Headers\r\nContent-Type: text/rfc822-headers\r\n\r\n");
            tail = java.util.Arrays.copyOf(original.message(), headerLength(original.message()));
        }
        byte[] head = m.toString().getBytes(StandardCharsets.ISO_8859_1);
        boolean endsWithNewline = tail.length > 0 && tail[tail.length - 1] == '\n';
        byte[] end = ((endsWithNewline ? "" : "\r\n") + "\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] report = new byte[head.length + tail.length + end.length];
        System.arraycopy(head, 0, report, 0, head.length);
        System.arraycopy(tail, 0, report, head.length, tail.length);
        System.arraycopy(end, 0, report, head.length + tail.length, end.length);
        return report;
    }

    /** Length of the header section (up to, not including, the empty line). */
    public static int headerLength(byte[] message) {
        for (int i = 0; i + 1 < message.length; i++) {
            if (message[i] == '\n' && (message[i + 1] == '\n' || (message[i + 1] == '\r' && i + 2 < message.length && message[i + 2] == '\n'))) {
                return i + 1;
            }
        }
        return message.length;
    }

    private static String ascii(String text) {
        return text.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static String date(Instant instant) {
        return RFC5322.format(ZonedDateTime.ofInstant(instant, ZoneOffset.UTC));
    }
}
