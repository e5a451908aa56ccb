package org.postern.server;

import javax.inject.Inject;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.james.utils.GuiceProbe;

/** Puts a mail straight into James's spool, as a mailet or an admin tool would: for tests of what leaves Postern. */
public class SpoolProbe implements GuiceProbe {
    private final MailQueueFactory<?> queues;

    @Inject
    public SpoolProbe(MailQueueFactory<?> queues) {
        this.queues = queues;
    }

    void enqueue(MailImpl mail) throws MailQueue.MailQueueException {
        queues.createQueue(MailQueueFactory.SPOOL).enQueue(mail);
    }
}
