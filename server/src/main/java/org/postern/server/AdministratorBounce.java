package org.postern.server;

import java.time.Clock;
import java.util.List;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.postern.config.HostName;
import org.postern.delivery.DeliveryLog;
import org.postern.delivery.DsnBuilder;
import org.postern.delivery.Envelope;
import org.postern.delivery.RecipientOutcome;
import org.postern.smtp.client.SmtpReply;
import org.postern.dsn.NotificationMail;

/**
 * "Bounce this mail now": a failure DSN (RFC 3464, built by the delivery routes' {@link DsnBuilder}, status 5.0.0
 * "bounced by the administrator") for every pending recipient, from the null sender, put into James's spool like
 * the delivery route's own bounces. None for a mail from the null sender.
 */
public class AdministratorBounce {
    static final SmtpReply REASON = SmtpReply.local(550, "5.0.0", "bounced by the administrator");

    private final MailQueueFactory<?> queues;
    private final ConfigurationProvider configuration;
    private final Clock clock = Clock.systemUTC();
    private volatile DsnBuilder dsn;

    @Inject
    public AdministratorBounce(MailQueueFactory<?> queues, ConfigurationProvider configuration) {
        this.queues = queues;
        this.configuration = configuration;
    }

    /** Puts the DSN into the spool; returns only once the spool holds it. */
    public void bounce(Envelope envelope, byte[] original) throws MessagingException, ConfigurationException {
        if (envelope.sender().isEmpty()) {
            DeliveryLog.event(envelope.queueId(), "bounced by the administrator; sender is the null sender: no notification");
            return;
        }
        List<RecipientOutcome> failed = envelope.recipients().stream()
            .map(recipient -> new RecipientOutcome(recipient, RecipientOutcome.Status.FAILED, REASON, null))
            .toList();
        byte[] report = dsn().failure(envelope, failed, original, clock.instant());
        MailImpl bounce = NotificationMail.to(envelope.sender(), report);
        try {
            MailQueue spool = queues.createQueue(MailQueueFactory.SPOOL);
            spool.enQueue(bounce);
        } finally {
            bounce.dispose();
        }
        DeliveryLog.event(envelope.queueId(), "bounced by the administrator: non-delivery notification " + bounce.getName()
            + " to <" + envelope.sender() + ">");
    }

    private DsnBuilder dsn() throws ConfigurationException {
        if (dsn == null) {
            dsn = new DsnBuilder(HostName.resolve(configuration).value());
        }
        return dsn;
    }
}
