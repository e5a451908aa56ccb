package org.postern.delivery;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * One delivery attempt of one message to one next hop over SMTP: the hosts (MX order, then each address) are
 * tried in turn until every recipient is decided by {@link FailurePolicy}; all recipients travel in one
 * transaction per host. Sessions come from and go back to the {@link ConnectionCache}; a cached session that
 * turns out closed before it answered MAIL is replaced by a fresh one once. At most {@code concurrencyPerDestination} attempts run at once
 * for one next hop. Every recipient's outcome on every host is logged ({@link DeliveryLog}).
 *
 * <p>An attempt straight from the spool ({@link #deliverNow}) never waits: it is declined while the next hop has
 * no free slot, or while its last attempt deferred every recipient less than the retry schedule's first delay ago,
 * so that a slow or failing destination never holds the spool's threads.</p>
 */
public final class SmtpDelivery {
    private final DeliverySettings settings;
    private final ConnectionCache cache;
    private final LedgerRecorder ledger;
    private final Map<String, Semaphore> destinations = new ConcurrentHashMap<>();
    /** Next hop to when its last attempt deferred every recipient (epoch ms); absent once one delivers again. */
    private final Map<String, Long> failing = new ConcurrentHashMap<>();

    public SmtpDelivery(DeliverySettings settings, ConnectionCache cache) {
        this(settings, cache, LedgerRecorder.NONE);
    }

    public SmtpDelivery(DeliverySettings settings, ConnectionCache cache, LedgerRecorder ledger) {
        this.settings = settings;
        this.cache = cache;
        this.ledger = ledger;
    }

    /** The replies of one transaction and what the session was: TLS or not, DSN announced or not. */
    private record Transaction(Map<String, SmtpReply> replies, boolean tls, boolean dsn) {
    }

    public Map<String, RecipientOutcome> deliver(Envelope envelope, byte[] message, List<Target> targets) throws InterruptedException {
        Semaphore slots = slots(envelope.nextHop());
        slots.acquire();
        try {
            return attempt(envelope, message, targets);
        } finally {
            slots.release();
        }
    }

    /** The attempt, made only if the next hop has a free slot now and is not failing; else empty. */
    public java.util.Optional<Map<String, RecipientOutcome>> deliverNow(Envelope envelope, byte[] message, List<Target> targets) {
        Long failedAt = failing.get(envelope.nextHop());
        if (failedAt != null && System.currentTimeMillis() - failedAt < settings.retry().first().toMillis()) {
            return java.util.Optional.empty();
        }
        Semaphore slots = slots(envelope.nextHop());
        if (!slots.tryAcquire()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(attempt(envelope, message, targets));
        } finally {
            slots.release();
        }
    }

    private Semaphore slots(String nextHop) {
        return destinations.computeIfAbsent(nextHop, any -> new Semaphore(settings.concurrencyPerDestination(), true));
    }

    private Map<String, RecipientOutcome> attempt(Envelope envelope, byte[] message, List<Target> targets) {
        Map<String, RecipientOutcome> decided = new LinkedHashMap<>();
        List<String> pending = new ArrayList<>(envelope.recipients());
        SmtpReply last = SmtpReply.local(451, "4.4.4", "no host to deliver to");
        Target lastHost = null;
        TlsPolicy tls = settings.tlsFor(envelope.nextHop());
        for (int i = 0; i < targets.size() && !pending.isEmpty(); i++) {
            Target target = targets.get(i);
            boolean lastTarget = i == targets.size() - 1;
            Transaction transaction;
            try {
                transaction = transaction(target, tls, envelope, pending, message);
            } catch (SessionFailure failure) {
                last = failure.reply();
                lastHost = target;
                for (String recipient : pending) {
                    String label = lastTarget ? "deferred" : "trying next host";
                    DeliveryLog.attempt(envelope, recipient, target, label, failure.reply());
                    ledger.attempt(envelope, recipient, target, false, failure.reply(), label);
                }
                continue;
            }
            Map<String, SmtpReply> replies = transaction.replies();
            List<String> stillPending = new ArrayList<>();
            for (String recipient : pending) {
                SmtpReply reply = replies.get(recipient);
                RecipientOutcome.Status status = FailurePolicy.afterTransaction(reply, lastTarget);
                if (status == null) {
                    stillPending.add(recipient);
                    DeliveryLog.attempt(envelope, recipient, target, "trying next host", reply);
                    ledger.attempt(envelope, recipient, target, transaction.tls(), reply, "trying next host");
                    last = reply;
                    lastHost = target;
                } else {
                    decided.put(recipient, new RecipientOutcome(recipient, status, reply, target, transaction.dsn()));
                    DeliveryLog.attempt(envelope, recipient, target, label(status), reply);
                    ledger.attempt(envelope, recipient, target, transaction.tls(), reply, label(status));
                }
            }
            pending = stillPending;
        }
        for (String recipient : pending) {
            RecipientOutcome.Status status = FailurePolicy.afterAllHosts(last);
            decided.put(recipient, new RecipientOutcome(recipient, status, last, lastHost));
            if (targets.isEmpty()) {
                DeliveryLog.attempt(envelope, recipient, null, label(status), last);
                ledger.attempt(envelope, recipient, null, false, last, label(status));
            }
        }
        if (!decided.isEmpty() && decided.values().stream().allMatch(outcome -> outcome.status() == RecipientOutcome.Status.DEFERRED)) {
            failing.put(envelope.nextHop(), System.currentTimeMillis());
        } else {
            failing.remove(envelope.nextHop());
        }
        return decided;
    }

    private Transaction transaction(Target target, TlsPolicy tls, Envelope envelope, List<String> recipients,
                                    byte[] message) throws SessionFailure {
        SmtpConnection cached = cache.take(target);
        if (cached != null) {
            try {
                Map<String, SmtpReply> replies = cached.send(envelope.sender(), recipients, message, envelope.dsn());
                Transaction done = new Transaction(replies, cached.tls(), cached.offersDsn());
                cache.give(cached);
                return done;
            } catch (IOException e) {
                cached.close();
                if (cached.answeredLastTransaction()) {
                    // the server had taken part in the transaction: no second try now, which could deliver twice
                    throw new SessionFailure(SmtpReply.local(451, "4.4.2", "lost connection with " + target + ": " + e.getMessage()), e);
                }
                // the server had closed the idle session meanwhile: one fresh try below
            }
        }
        SmtpConnection fresh = SmtpConnection.open(target, settings.heloName(), tls, settings.timeouts());
        try {
            Map<String, SmtpReply> replies = fresh.send(envelope.sender(), recipients, message, envelope.dsn());
            Transaction done = new Transaction(replies, fresh.tls(), fresh.offersDsn());
            cache.give(fresh);
            return done;
        } catch (IOException e) {
            fresh.close();
            throw new SessionFailure(SmtpReply.local(451, "4.4.2", "lost connection with " + target + ": " + e.getMessage()), e);
        }
    }

    private static String label(RecipientOutcome.Status status) {
        return switch (status) {
            case DELIVERED -> "sent";
            case FAILED -> "bounced";
            case DEFERRED -> "deferred";
        };
    }
}
