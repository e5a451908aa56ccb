package org.postern.camel;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.james.core.MailAddress;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.postern.delivery.DeliveryLog;
import org.postern.delivery.DsnBuilder;
import org.postern.delivery.Envelope;
import org.postern.delivery.RecipientOutcome;

/**
 * Reports failed recipients to the sender: one RFC 3464 DSN, from the null sender, put into James's spool so that
 * James delivers it like any mail (a local mailbox or, as mail sent by a mailet, relayed to a remote sender).
 * Never a DSN to the null sender: a failure of a DSN is only logged.
 */
public class BounceProcessor implements Processor {
    private final MailQueue spool;
    private final DsnBuilder dsn;
    private final Clock clock;

    public BounceProcessor(MailQueue spool, DsnBuilder dsn, Clock clock) {
        this.spool = spool;
        this.dsn = dsn;
        this.clock = clock;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        List<RecipientOutcome> failed = exchange.getIn().getHeader(DeliveryHeaders.FAILED, List.class);
        Envelope envelope = DeliverProcessor.envelope(exchange);
        if (envelope.sender().isEmpty()) {
            DeliveryLog.event(envelope.queueId(), "sender is the null sender: no bounce for " + failed.size() + " failed recipient(s)");
            return;
        }
        byte[] report = dsn.failure(envelope, failed, exchange.getIn().getBody(byte[].class), clock.instant());
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(report));
        MailImpl bounce = MailImpl.builder()
            .name("dsn-" + UUID.randomUUID())
            .sender(MailAddress.nullSender())
            .addRecipient(new MailAddress(envelope.sender()))
            .mimeMessage(message)
            .addAttribute(Mail.SENT_BY_MAILET_ATTRIBUTE)
            .build();
        try {
            spool.enQueue(bounce);
        } finally {
            bounce.dispose();
        }
        DeliveryLog.event(envelope.queueId(), "sender non-delivery notification: " + bounce.getName() + " to <" + envelope.sender() + ">");
    }
}
