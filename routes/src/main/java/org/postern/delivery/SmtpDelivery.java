package org.postern.delivery;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import org.postern.delivery.tls.TransportSecurity;
import org.postern.smtp.client.MailTransaction;
import org.postern.smtp.client.SessionFailure;
import org.postern.smtp.client.SessionOptions;
import org.postern.smtp.client.SmtpReply;
import org.postern.smtp.client.SmtpSession;
import org.postern.smtp.client.Target;
import org.postern.smtp.client.TlsState;

/**
 * One delivery attempt of one message to one next hop over SMTP or LMTP: the hosts (MX order, then each address)
 * are tried in turn until every recipient is decided by {@link FailurePolicy}; all recipients travel in one
 * transaction per host. Each host's TLS requirement comes from {@link TransportSecurity}; the route's credentials
 * and source address go with every session. Sessions come from and go back to the {@link ConnectionCache}; a
 * cached session that turns out closed before it answered MAIL is replaced by a fresh one once. At most
 * {@code concurrencyPerDestination} attempts run at once for one next hop. Every recipient's outcome on every host
 * is logged ({@link DeliveryLog}) and put in the ledger, with the TLS the session had.
 *
 * <p>An attempt straight from the spool ({@link #deliverNow}) never waits: it is declined while the next hop has
 * no free slot, or while its last attempt deferred every recipient less than the retry schedule's first delay ago,
 * so that a slow or failing destination never holds the spool's threads.</p>
 */
public final class SmtpDelivery {
    private final DeliverySettings settings;
    private final ConnectionCache cache;
    private final LedgerRecorder ledger;
    private final TransportSecurity security;
    private final DeliveryMetrics metrics;
    private final Map<String, Semaphore> destinations = new ConcurrentHashMap<>();
    /** Next hop to when its last attempt deferred every recipient (epoch ms); absent once one delivers again. */
    private final Map<String, Long> failing = new ConcurrentHashMap<>();

    public SmtpDelivery(DeliverySettings settings, ConnectionCache cache, LedgerRecorder ledger, TransportSecurity security,
                        DeliveryMetrics metrics) {
        this.settings = settings;
        this.cache = cache;
        this.ledger = ledger;
        this.security = security;
        this.metrics = metrics;
    }

    public SmtpDelivery(DeliverySettings settings, ConnectionCache cache, LedgerRecorder ledger, TransportSecurity security) {
        this(settings, cache, ledger, security, new DeliveryMetrics(new org.postern.metrics.PosternMetrics()));
    }

    /**
     * The replies of one transaction and what the session was: its TLS, DSN announced or not; when the transaction
     * started (the session ready) and ended, and the transactions the session has carried, this one included.
     */
    private record Transaction(Map<String, SmtpReply> replies, TlsState tls, boolean dsn, long started, long ended, int uses) {
    }

    public Map<String, RecipientOutcome> deliver(Envelope envelope, byte[] message, DeliveryRoute route) throws InterruptedException {
        long start = System.currentTimeMillis();
        Semaphore slots = slots(envelope.nextHop());
        slots.acquire();
        try {
            return attempt(envelope, message, route, start);
        } finally {
            slots.release();
        }
    }

    /** The attempt, made only if the next hop has a free slot now and is not failing; else empty. */
    public java.util.Optional<Map<String, RecipientOutcome>> deliverNow(Envelope envelope, byte[] message, DeliveryRoute route) {
        Long failedAt = failing.get(envelope.nextHop());
        if (failedAt != null && System.currentTimeMillis() - failedAt < settings.retry().first().toMillis()) {
            return java.util.Optional.empty();
        }
        Semaphore slots = slots(envelope.nextHop());
        if (!slots.tryAcquire()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(attempt(envelope, message, route, System.currentTimeMillis()));
        } finally {
            slots.release();
        }
    }

    private Semaphore slots(String nextHop) {
        return destinations.computeIfAbsent(nextHop, any -> new Semaphore(settings.concurrencyPerDestination(), true));
    }

    /** {@code start}: when the attempt began (epoch ms), its slot included, for the maillog's delays. */
    private Map<String, RecipientOutcome> attempt(Envelope envelope, byte[] message, DeliveryRoute route, long start) {
        Map<String, RecipientOutcome> decided = new LinkedHashMap<>();
        List<String> pending = new ArrayList<>(envelope.recipients());
        SmtpReply last = SmtpReply.local(451, "4.4.4", "no host to deliver to");
        Target lastHost = null;
        List<Target> targets = route.targets();
        TransportSecurity.RouteTls tls = security.route(route.nextHop(), route.options(), envelope.requireTls());
        SessionOptions base = new SessionOptions(settings.heloName(), route.protocol(), null, route.options().credentials(),
            route.options().sourceAddress().or(settings::sourceAddress), settings.timeouts());
        for (int i = 0; i < targets.size() && !pending.isEmpty(); i++) {
            Target target = targets.get(i);
            boolean lastTarget = i == targets.size() - 1;
            Transaction transaction;
            try {
                TransportSecurity.HostTls host = security.host(tls, target);
                if (host.refusal() != null) {
                    throw new SessionFailure(host.refusal(), null);
                }
                SessionOptions options = new SessionOptions(base.heloName(), base.protocol(), host.policy(), base.credentials(),
                    base.sourceAddress(), base.timeouts());
                // SMTPUTF8 is never asked for: James 3.8.1 cannot carry UTF-8 addresses or header fields (docs/configuration.md)
                transaction = transaction(target, options, new MailTransaction(envelope.sender(), pending, message,
                    envelope.dsn(), false, envelope.requireTls()));
            } catch (SessionFailure failure) {
                last = failure.reply();
                lastHost = target;
                boolean decisive = failure.wholeRoute() || lastTarget;
                for (String recipient : pending) {
                    String label = decisive ? label(FailurePolicy.afterAllHosts(last)) : "trying next host";
                    DeliveryLog.attempt(envelope, recipient, target, null, label, failure.reply(), DeliveryLog.Times.failedSince(start));
                    ledger.attempt(envelope, recipient, target, null, failure.reply(), label);
                }
                if (failure.wholeRoute()) {
                    break;
                }
                continue;
            }
            Map<String, SmtpReply> replies = transaction.replies();
            DeliveryLog.Times times = new DeliveryLog.Times(start, transaction.started(), transaction.ended(), transaction.uses());
            List<String> stillPending = new ArrayList<>();
            for (String recipient : pending) {
                SmtpReply reply = replies.get(recipient);
                RecipientOutcome.Status status = FailurePolicy.afterTransaction(reply, lastTarget);
                if (status == null) {
                    stillPending.add(recipient);
                    DeliveryLog.attempt(envelope, recipient, target, transaction.tls(), "trying next host", reply, times);
                    ledger.attempt(envelope, recipient, target, transaction.tls(), reply, "trying next host");
                    last = reply;
                    lastHost = target;
                } else {
                    decided.put(recipient, new RecipientOutcome(recipient, status, reply, target, transaction.dsn()));
                    DeliveryLog.attempt(envelope, recipient, target, transaction.tls(), label(status), reply, times);
                    ledger.attempt(envelope, recipient, target, transaction.tls(), reply, label(status));
                }
            }
            pending = stillPending;
        }
        for (String recipient : pending) {
            RecipientOutcome.Status status = FailurePolicy.afterAllHosts(last);
            decided.put(recipient, new RecipientOutcome(recipient, status, last, lastHost));
            if (targets.isEmpty()) {
                DeliveryLog.attempt(envelope, recipient, null, null, label(status), last, DeliveryLog.Times.failedSince(start));
                ledger.attempt(envelope, recipient, null, null, last, label(status));
            }
        }
        if (!decided.isEmpty() && decided.values().stream().allMatch(outcome -> outcome.status() == RecipientOutcome.Status.DEFERRED)) {
            failing.put(envelope.nextHop(), System.currentTimeMillis());
        } else {
            failing.remove(envelope.nextHop());
        }
        return decided;
    }

    private Transaction transaction(Target target, SessionOptions options, MailTransaction mail) throws SessionFailure {
        String key = target.key() + "|" + options.key();
        SmtpSession cached = cache.take(key);
        if (cached != null) {
            try {
                long started = System.currentTimeMillis();
                Map<String, SmtpReply> replies = cached.send(mail);
                Transaction done = new Transaction(replies, cached.tls(), cached.offersDsn(), started, System.currentTimeMillis(),
                    cached.transactions());
                metrics.transaction(cached.tls(), true);
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
        SmtpSession fresh = SmtpSession.open(target, options);
        try {
            long started = System.currentTimeMillis();
            Map<String, SmtpReply> replies = fresh.send(mail);
            Transaction done = new Transaction(replies, fresh.tls(), fresh.offersDsn(), started, System.currentTimeMillis(),
                fresh.transactions());
            metrics.transaction(fresh.tls(), false);
            cache.give(fresh);
            return done;
        } catch (IOException e) {
            fresh.close();
            throw new SessionFailure(SmtpReply.local(451, "4.4.2", "lost connection with " + target + ": " + e.getMessage()), e);
        }
    }

    static String label(RecipientOutcome.Status status) {
        return switch (status) {
            case DELIVERED -> "sent";
            case FAILED -> "bounced";
            case DEFERRED -> "deferred";
        };
    }
}
