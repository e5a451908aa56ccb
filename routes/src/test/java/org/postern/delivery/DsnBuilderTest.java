package org.postern.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.apache.mailet.DsnParameters;
import org.junit.jupiter.api.Test;
import org.postern.dsn.DsnReport;
import org.postern.dsn.DsnRequest;
import org.postern.smtp.client.SmtpReply;
import org.postern.smtp.client.Target;

class DsnBuilderTest {
    static final byte[] ORIGINAL = "Received: from a by b\r\nSubject: hi\r\nFrom: s@example.test\r\n\r\nsecret body\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aFailureReportShouldBeAnRfc3464MultipartReportWithTheWholeMessageByDefault() throws Exception {
        Envelope envelope = new Envelope("Mail1", "s@example.test", List.of("x@dest.test"), "mx:dest.test", Instant.parse("2026-11-30T01:00:00Z"));
        RecipientOutcome failed = new RecipientOutcome("x@dest.test", RecipientOutcome.Status.FAILED,
            SmtpReply.parse(List.of("550 5.1.1 no such user")), new Target("mx.dest.test", InetAddress.getByName("127.0.0.9"), 25));

        byte[] dsn = new DsnBuilder("postern.test").failure(envelope, List.of(failed), ORIGINAL, Instant.parse("2026-11-30T02:00:00Z"));

        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(dsn));
        assertThat(message.getContentType()).startsWith("multipart/report; report-type=delivery-status");
        MimeMultipart parts = new MimeMultipart(message.getDataHandler().getDataSource());
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(parts.getBodyPart(1).getContentType()).isEqualTo("message/delivery-status");
        String text = new String(dsn, StandardCharsets.US_ASCII);
        assertThat(text).contains("Reporting-MTA: dns; postern.test\r\n", "Arrival-Date: Mon, 30 Nov 2026 01:00:00 +0000\r\n",
            "\r\n\r\nFinal-Recipient: rfc822; x@dest.test\r\nAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; mx.dest.test\r\n"
                + "Diagnostic-Code: smtp; 550 5.1.1 no such user\r\n",
            "Content-Type: message/rfc822", "Subject: hi", "secret body");
        assertThat(DsnBuilder.receivedHeaders(ORIGINAL)).isEqualTo(1);
    }

    @Test
    void retHdrsShouldReturnTheHeadersOnlyAndTheReportShouldNameOrcptAndEnvid() throws Exception {
        DsnRequest dsn = new DsnRequest(Optional.of("env+2B42"), Optional.of(DsnParameters.Ret.HDRS),
            Map.of("x@dest.test", new DsnRequest.Recipient(Optional.empty(), Optional.of("orig@old.test"))));
        Envelope envelope = new Envelope("Mail1", "s@example.test", List.of("x@dest.test"), "mx:dest.test",
            Instant.parse("2026-11-30T01:00:00Z"), dsn);
        RecipientOutcome failed = new RecipientOutcome("x@dest.test", RecipientOutcome.Status.FAILED,
            SmtpReply.parse(List.of("550 5.1.1 no such user")), null);

        String text = new String(new DsnBuilder("postern.test").failure(envelope, List.of(failed), ORIGINAL, Instant.now()),
            StandardCharsets.US_ASCII);

        assertThat(text).contains("Original-Envelope-Id: env+42\r\n", "Original-Recipient: rfc822; orig@old.test\r\nFinal-Recipient: rfc822; x@dest.test",
            "Content-Type: text/rfc822-headers", "Subject: hi").doesNotContain("secret body").doesNotContain("Remote-MTA");
    }

    @Test
    void aDelayReportShouldSayDelayedWithWillRetryUntilAndCarryHeadersOnly() throws Exception {
        Envelope envelope = new Envelope("Mail1", "s@example.test", List.of("x@dest.test"), "mx:dest.test", Instant.parse("2026-11-30T01:00:00Z"));
        RecipientOutcome deferred = new RecipientOutcome("x@dest.test", RecipientOutcome.Status.DEFERRED,
            SmtpReply.parse(List.of("450 4.2.1 busy")), new Target("mx.dest.test", InetAddress.getByName("127.0.0.9"), 25));

        String text = new String(new DsnBuilder("postern.test").notification(DsnReport.Action.DELAYED, envelope, List.of(deferred),
            ORIGINAL, Instant.now(), Optional.of(Instant.parse("2026-12-05T01:00:00Z"))), StandardCharsets.US_ASCII);

        assertThat(text).contains("Subject: Delayed Mail", "Action: delayed\r\nStatus: 4.2.1",
            "Will-Retry-Until: Sat, 5 Dec 2026 01:00:00 +0000", "Content-Type: text/rfc822-headers").doesNotContain("secret body");
    }
}
