package org.postern.mailbox;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.postern.dsn.DsnReport;
import org.postern.dsn.DsnRequest;
import org.postern.ledger.DeliveryLedger;
import org.postern.ledger.LedgerEvent;
import org.postern.ledger.LedgerEvents;
import org.postern.ledger.QueueIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "delivered" notification (RFC 3464 Action: delivered, status 2.0.0) for a recipient stored in a local
 * mailbox whose RCPT asked NOTIFY=SUCCESS ({@link DsnRequest#due}); headers only, from the null sender, sent
 * through James like any mail, and recorded in the ledger. Never to the null sender. A spool replay after a crash
 * may send it twice (at least once, like the mail itself). A failure to send is logged, never fails the delivery.
 */
class DeliveredNotice {
    private static final Logger LOGGER = LoggerFactory.getLogger(DeliveredNotice.class);

    private final MailetContext context;
    private final DeliveryLedger ledger;
    private final DsnReport report;
    private final Clock clock;

    DeliveredNotice(MailetContext context, DeliveryLedger ledger, String reportingMta, Clock clock) {
        this.context = context;
        this.ledger = ledger;
        this.report = new DsnReport(reportingMta);
        this.clock = clock;
    }

    void afterStored(Mail mail, MailAddress recipient) {
        DsnRequest dsn = DsnRequest.of(mail);
        if (mail.getMaybeSender().isNullSender() || !dsn.due(recipient.asString(), DsnRequest.Kind.SUCCESS)) {
            return;
        }
        try {
            ByteArrayOutputStream original = new ByteArrayOutputStream();
            mail.getMessage().writeTo(original);
            Instant now = clock.instant();
            byte[] bytes = report.build(DsnReport.Action.DELIVERED, mail.getMaybeSender().asString(),
                new DsnReport.Original(QueueIds.of(mail.getName()), mail.getLastUpdated() == null ? now : mail.getLastUpdated().toInstant(),
                    dsn.decodedEnvId(), original.toByteArray()),
                List.of(new DsnReport.Entry(recipient.asString(), dsn.originalRecipient(recipient.asString()), "2.0.0",
                    Optional.empty(), Optional.empty(), false, Optional.empty())),
                false, now);
            MailImpl notice = MailImpl.builder()
                .name("dsn-" + UUID.randomUUID())
                .sender(MailAddress.nullSender())
                .addRecipient(mail.getMaybeSender().get())
                .mimeMessage(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes)))
                .build();
            try {
                context.sendMail(notice);
            } finally {
                notice.dispose();
            }
            ledger.record(LedgerEvents.of(mail, recipient, LedgerEvent.Kind.DSN).withDetail("delivered " + notice.getName()));
            LOGGER.info("{}: sender delivery status notification (delivered): {} to <{}>", mail.getName(), notice.getName(),
                mail.getMaybeSender().asString());
        } catch (Exception e) {
            LOGGER.error("{}: the delivered notification for <{}> could not be sent", mail.getName(), recipient.asString(), e);
        }
    }
}
