package org.postern.ledger;

import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Opens each recipient's page in the delivery ledger when a mail enters the pipeline (first mailet of the root
 * processor): queue id, Message-ID, ENVID, sender, recipient, client address. Never changes the mail.
 *
 * <pre>{@code
 * <mailet match="All" class="org.postern.ledger.RecordArrival"/>
 * }</pre>
 */
public class RecordArrival extends GenericMailet {
    private final DeliveryLedger ledger;

    @Inject
    public RecordArrival(DeliveryLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of());
    }

    @Override
    public void service(Mail mail) {
        String client = mail.getRemoteAddr();
        for (MailAddress recipient : mail.getRecipients()) {
            ledger.record(LedgerEvents.of(mail, recipient, LedgerEvent.Kind.ARRIVED).withDetail("from " + client));
        }
    }

    @Override
    public String getMailetInfo() {
        return "Postern: records each recipient's arrival in the delivery ledger";
    }
}
