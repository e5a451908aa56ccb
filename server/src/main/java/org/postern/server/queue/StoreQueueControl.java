package org.postern.server.queue;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

import javax.inject.Inject;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.queue.api.MailQueue.MailQueueException;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.postern.delivery.DeliveryLog;
import org.postern.delivery.Envelope;
import org.postern.queue.DeliveryAttributes;
import org.postern.queue.OutboundQueue;
import org.postern.queue.QueueControl;
import org.postern.queue.QueuedMail;
import org.postern.routing.NextHop;
import org.postern.routing.RoutingAttributes;
import org.postern.server.AdministratorBounce;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queue control and ETRN on the outbound queue ({@code delivery.xml}'s {@code <queue>}) kept in the
 * {@link QueueStore}. Each change is written to the store before the schedule changes, one mail at a time, while
 * the mail is claimed so that no consumer takes it half changed; a mail being delivered right now is not found.
 */
public class StoreQueueControl implements QueueControl {
    private static final Logger LOGGER = LoggerFactory.getLogger(StoreQueueControl.class);

    private final StoreMailQueueFactory queues;
    private final ConfigurationProvider configuration;
    private final AdministratorBounce bounces;
    private final Clock clock;
    private volatile StoreMailQueue outbound;

    @Inject
    public StoreQueueControl(StoreMailQueueFactory queues, ConfigurationProvider configuration, AdministratorBounce bounces) {
        this(queues, configuration, bounces, Clock.systemUTC());
    }

    StoreQueueControl(StoreMailQueueFactory queues, ConfigurationProvider configuration, AdministratorBounce bounces, Clock clock) {
        this.queues = queues;
        this.configuration = configuration;
        this.bounces = bounces;
        this.clock = clock;
    }

    @Override
    public List<QueuedMail> list(Optional<String> domain, Optional<String> sender, int limit) throws QueueException {
        List<QueuedMail> mails = new ArrayList<>();
        StoreMailQueue queue = outbound();
        for (StoreMailQueue.Snapshot entry : queue.snapshot()) {
            if (domain.isPresent() && !hasRecipientIn(entry.recipients(), domain.get(), false)
                || sender.isPresent() && !entry.sender().equalsIgnoreCase(sender.get())) {
                continue;
            }
            describe(queue, entry).ifPresent(mails::add);
            if (mails.size() >= limit) {
                break;
            }
        }
        return mails;
    }

    @Override
    public Optional<QueuedMail> find(String id) throws QueueException {
        StoreMailQueue queue = outbound();
        for (StoreMailQueue.Snapshot entry : queue.snapshot()) {
            if (entry.mailName().equals(id)) {
                return describe(queue, entry);
            }
        }
        return Optional.empty();
    }

    /** The entry with what its stored envelope says; empty when it left the queue meanwhile. */
    private static Optional<QueuedMail> describe(StoreMailQueue queue, StoreMailQueue.Snapshot entry) throws QueueException {
        Optional<? extends Mail> envelope = read(() -> queue.envelope(entry.id()));
        if (envelope.isEmpty()) {
            return Optional.empty();
        }
        Mail mail = envelope.get();
        return Optional.of(new QueuedMail(entry.mailName(), entry.sender(), entry.recipients(),
            attribute(mail, DeliveryAttributes.ATTEMPTS, Integer.class).orElse(0),
            entry.held() ? Optional.empty() : Optional.of(entry.due()), entry.held(),
            attribute(mail, DeliveryAttributes.LAST_REPLY, String.class),
            RoutingAttributes.nextHop(mail).map(NextHop::asString)));
    }

    @Override
    public int flush(Optional<String> domain, boolean subdomains) throws QueueException {
        Instant now = clock.instant();
        return change("flush " + domain.map(name -> (subdomains ? "@" : "") + name).orElse("all"),
            entry -> !entry.held() && entry.due().isAfter(now)
                && (domain.isEmpty() || hasRecipientIn(entry.recipients(), domain.get(), subdomains)),
            schedule -> new StoreMailQueue.Schedule(now, false), null);
    }

    @Override
    public boolean hold(String id) throws QueueException {
        return change("hold " + id, named(id), schedule -> new StoreMailQueue.Schedule(schedule.due(), true), null) > 0;
    }

    @Override
    public boolean release(String id) throws QueueException {
        return change("release " + id, named(id), schedule -> new StoreMailQueue.Schedule(clock.instant(), false), null) > 0;
    }

    @Override
    public boolean delete(String id) throws QueueException {
        return remove("delete " + id, id, null);
    }

    @Override
    public boolean bounce(String id) throws QueueException {
        return remove("bounce " + id, id, mail -> {
            bounces.bounce(envelope(mail), MailCodec.message(mail));
            return mail;
        });
    }

    @Override
    public int reroute(String domain, NextHop nextHop) throws QueueException {
        NextHop recorded = nextHop.routedFor(domain);
        Instant now = clock.instant();
        return change("reroute " + domain + " to " + recorded.asString(), entry -> allRecipientsIn(entry.recipients(), domain),
            schedule -> schedule.held() ? schedule : new StoreMailQueue.Schedule(now, false),
            mail -> {
                RoutingAttributes.setNextHop(mail, recorded);
                mail.setAttribute(new Attribute(RoutingAttributes.ROUTE, AttributeValue.of("re-routed by the administrator to " + recorded.asString())));
                return mail;
            });
    }

    private int change(String operation, Predicate<StoreMailQueue.Snapshot> selected,
                       java.util.function.UnaryOperator<StoreMailQueue.Schedule> reschedule, StoreMailQueue.Change change) throws QueueException {
        StoreMailQueue queue = outbound();
        int changed = read(() -> queue.update(logged(operation, selected), reschedule, change));
        if (changed > 0) {
            LOGGER.info("queue control: {}: {} message(s)", operation, changed);
        }
        return changed;
    }

    private boolean remove(String operation, String id, StoreMailQueue.Change before) throws QueueException {
        StoreMailQueue queue = outbound();
        int removed = read(() -> queue.remove(logged(operation, named(id)), before));
        if (removed > 0) {
            LOGGER.info("queue control: {}: {} message(s)", operation, removed);
        }
        return removed > 0;
    }

    private static Predicate<StoreMailQueue.Snapshot> logged(String operation, Predicate<StoreMailQueue.Snapshot> selected) {
        return entry -> {
            boolean chosen = selected.test(entry);
            if (chosen) {
                DeliveryLog.event(entry.mailName(), "queue control: " + operation);
            }
            return chosen;
        };
    }

    private static Predicate<StoreMailQueue.Snapshot> named(String id) {
        return entry -> entry.mailName().equals(id);
    }

    private StoreMailQueue outbound() throws QueueException {
        StoreMailQueue queue = outbound;
        if (queue == null) {
            try {
                String name = OutboundQueue.name(configuration);
                queue = queues.createQueue(MailQueueName.of(name));
            } catch (ConfigurationException e) {
                throw new QueueException("cannot read delivery.xml: " + e.getMessage(), e);
            }
            outbound = queue;
        }
        return queue;
    }

    private interface QueueAction<T> {
        T run() throws MailQueueException;
    }

    private static <T> T read(QueueAction<T> action) throws QueueException {
        try {
            return action.run();
        } catch (MailQueueException e) {
            throw new QueueException(e.getMessage(), e);
        }
    }

    private static <T> Optional<T> attribute(Mail mail, AttributeName name, Class<T> type) {
        return mail.getAttribute(name).flatMap(attribute -> attribute.getValue().valueAs(type));
    }

    private static Envelope envelope(Mail mail) {
        Instant arrival = attribute(mail, DeliveryAttributes.ARRIVAL, Long.class).map(Instant::ofEpochMilli)
            .orElseGet(() -> mail.getLastUpdated().toInstant());
        return new Envelope(mail.getName(), mail.getMaybeSender().asString(""),
            mail.getRecipients().stream().map(Object::toString).toList(),
            RoutingAttributes.nextHop(mail).orElse(new NextHop.NoRoute()).asString(), arrival);
    }

    /** A recipient in {@code domain} itself, or with {@code subdomains} in a domain below it only (ETRN's @domain). */
    static boolean hasRecipientIn(List<String> recipients, String domain, boolean subdomains) {
        String wanted = domain.toLowerCase(Locale.ROOT);
        return recipients.stream().map(StoreQueueControl::domainOf)
            .anyMatch(candidate -> subdomains ? candidate.endsWith("." + wanted) : candidate.equals(wanted));
    }

    static boolean allRecipientsIn(List<String> recipients, String domain) {
        String wanted = domain.toLowerCase(Locale.ROOT);
        return !recipients.isEmpty() && recipients.stream().map(StoreQueueControl::domainOf).allMatch(wanted::equals);
    }

    private static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1).trim().toLowerCase(Locale.ROOT);
    }
}
