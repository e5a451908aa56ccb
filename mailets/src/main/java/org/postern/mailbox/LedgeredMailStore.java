package org.postern.mailbox;

import org.apache.james.core.MailAddress;
import org.apache.james.transport.mailets.delivery.MailStore;
import org.apache.mailet.Mail;
import org.postern.ledger.DeliveryLedger;
import org.postern.ledger.LedgerEvent;
import org.postern.ledger.LedgerEvents;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;

/**
 * Writes "stored in the mailbox" into the delivery ledger once a recipient's copy is stored, then sends the
 * "delivered" notification when the recipient asked for it ({@link DeliveredNotice}).
 */
class LedgeredMailStore implements MailStore {
    private final MailStore delegate;
    private final DeliveryLedger ledger;
    private final DeliveredNotice notice;

    LedgeredMailStore(MailStore delegate, DeliveryLedger ledger, DeliveredNotice notice) {
        this.delegate = delegate;
        this.ledger = ledger;
        this.notice = notice;
    }

    @Override
    public Publisher<Void> storeMail(MailAddress recipient, Mail mail) {
        return Mono.from(delegate.storeMail(recipient, mail))
            .then(Mono.fromRunnable(() -> ledger.record(LedgerEvents.of(mail, recipient, LedgerEvent.Kind.STORED)
                .withDetail("INBOX of " + recipient.asString()))))
            .then(Mono.fromRunnable(() -> notice.afterStored(mail, recipient)));
    }
}
