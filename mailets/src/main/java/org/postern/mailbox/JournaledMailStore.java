package org.postern.mailbox;

import org.apache.james.core.MailAddress;
import org.apache.james.transport.mailets.delivery.MailStore;
import org.apache.mailet.Mail;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;

/**
 * Stores a mail in a recipient's mailbox at most once per queue id, even when the spool hands it over again after
 * a crash (see {@link DeliveryJournal}). The normal path costs two journal lines; only a mail that was in flight at
 * a crash is looked up in the mailbox.
 */
class JournaledMailStore implements MailStore {
    private static final Logger LOGGER = LoggerFactory.getLogger(JournaledMailStore.class);

    private final MailStore delegate;
    private final DeliveryJournal journal;
    private final StoredCopyFinder storedCopies;

    JournaledMailStore(MailStore delegate, DeliveryJournal journal, StoredCopyFinder storedCopies) {
        this.delegate = delegate;
        this.journal = journal;
        this.storedCopies = storedCopies;
    }

    @Override
    public Publisher<Void> storeMail(MailAddress recipient, Mail mail) {
        String queueId = mail.getName();
        String address = recipient.asString();
        return Mono.fromCallable(() -> alreadyStored(queueId, recipient))
            .flatMap(stored -> {
                if (stored) {
                    LOGGER.info("{}: to=<{}>, status=delivered (already stored before a restart, not stored again)", queueId, address);
                    return Mono.empty();
                }
                journal.started(queueId, address);
                return Mono.from(delegate.storeMail(recipient, mail))
                    .then(Mono.fromRunnable(() -> journal.done(queueId, address)));
            })
            .then();
    }

    private boolean alreadyStored(String queueId, MailAddress recipient) throws Exception {
        DeliveryJournal.State previous = journal.recovered(queueId, recipient.asString());
        if (previous == null) {
            return false;
        }
        if (previous == DeliveryJournal.State.DONE) {
            return true;
        }
        return storedCopies.exists(recipient, queueId);
    }
}
