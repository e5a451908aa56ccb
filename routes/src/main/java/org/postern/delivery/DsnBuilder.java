package org.postern.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.postern.dsn.DsnReport;
import org.postern.dsn.DsnRequest;
import org.postern.smtp.client.Target;

/**
 * Delivery status notifications (RFC 3464) about the recipients of one delivery attempt: turns their outcomes
 * into {@link DsnReport} entries (Original-Recipient from ORCPT, Remote-MTA and Diagnostic-Code from the reply)
 * and returns the message or its headers as the sender's RET and {@link DsnRequest} say.
 */
public final class DsnBuilder {
    private final DsnReport report;

    public DsnBuilder(String reportingMta) {
        this.report = new DsnReport(reportingMta);
    }

    /** A failure notification (Action: failed). */
    public byte[] failure(Envelope envelope, List<RecipientOutcome> failed, byte[] original, Instant now) {
        return notification(DsnReport.Action.FAILED, envelope, failed, original, now, Optional.empty());
    }

    /** A notification of this action about these recipients; {@code willRetryUntil} only for a delay. */
    public byte[] notification(DsnReport.Action action, Envelope envelope, List<RecipientOutcome> outcomes, byte[] original,
                               Instant now, Optional<Instant> willRetryUntil) {
        DsnRequest.Kind kind = switch (action) {
            case FAILED -> DsnRequest.Kind.FAILURE;
            case DELAYED -> DsnRequest.Kind.DELAY;
            case DELIVERED, RELAYED -> DsnRequest.Kind.SUCCESS;
        };
        List<DsnReport.Entry> entries = outcomes.stream().map(outcome -> new DsnReport.Entry(outcome.recipient(),
            envelope.dsn().originalRecipient(outcome.recipient()), outcome.reply().enhanced(),
            Optional.ofNullable(outcome.host()).map(Target::host), Optional.of(outcome.reply().toString()), outcome.host() != null,
            willRetryUntil)).toList();
        return report.build(action, envelope.sender(),
            new DsnReport.Original(envelope.queueId(), envelope.arrival(), envelope.dsn().decodedEnvId(), original),
            entries, envelope.dsn().returnsFullMessage(kind), now);
    }

    /** Length of the header section (up to, not including, the empty line). */
    static int headerLength(byte[] message) {
        return DsnReport.headerLength(message);
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
}
