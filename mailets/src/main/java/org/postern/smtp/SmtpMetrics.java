package org.postern.smtp;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.postern.metrics.BoundedLabel;
import org.postern.metrics.PosternMetrics;

import io.prometheus.client.Counter;

/**
 * What the SMTP server counts: recipients accepted at RCPT, recipients refused by reply code and enhanced status
 * (the reason: {@code 550 5.1.1} unknown user, {@code 554 5.7.1} relay denied, {@code 450 4.1.1} callout could not
 * tell, …, whichever hook refused), and messages taken into the spool.
 */
@Singleton
public class SmtpMetrics {
    private final Counter.Child rcptAccepted;
    private final BoundedLabel<Counter.Child> rcptRefused;
    private final Counter.Child messages;

    @Inject
    public SmtpMetrics(PosternMetrics metrics) {
        rcptAccepted = Counter.build("postern_smtp_rcpt_accepted", "Recipients accepted at RCPT TO")
            .register(metrics.registry()).labels();
        Counter refused = Counter.build("postern_smtp_rcpt_refused", "Recipients refused at RCPT TO, by reply code and enhanced status")
            .labelNames("code", "status").register(metrics.registry());
        rcptRefused = new BoundedLabel<>(100, reason -> {
            int space = reason.indexOf(' ');
            return space < 0 ? refused.labels(reason, "") : refused.labels(reason.substring(0, space), reason.substring(space + 1));
        });
        messages = Counter.build("postern_smtp_messages", "Messages accepted into the spool (250 after DATA)")
            .register(metrics.registry()).labels();
    }

    void rcptAccepted() {
        rcptAccepted.inc();
    }

    /** {@code reason}: the reply code, a space and the enhanced status ("" when the reply has none). */
    void rcptRefused(String reason) {
        rcptRefused.get(reason).inc();
    }

    void messageSpooled() {
        messages.inc();
    }
}
