package org.postern.server.queue;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import javax.mail.MessagingException;

import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * One James mail queue kept in the {@link QueueStore}: what is queued lives in the store, and in memory only as a
 * schedule of row ids by due time, so that taking the next due mail costs no query. An enqueue returns once the
 * store has the mail on disk; the mail leaves the store when its consumer reports it done.
 *
 * <p>A mail due within {@link #HOT_HORIZON} is also kept in memory, ready to hand out, while the factory's budget
 * of such bytes allows ({@link HotBudget}): the spool's consumer usually takes a mail milliseconds after its
 * enqueue, and then reads and decodes nothing. The store stays the truth: after a restart, or for a mail due later,
 * the mail is read back from it.</p>
 *
 * <p>An item taken by a consumer is <em>taken</em> until it is done: queue control and browsing skip it. A held
 * mail stays in the store but out of the schedule until released. A consumer's {@code RETRY} puts the item back
 * after {@link #RETRY_DELAY}, doubled at each retry in a row up to {@link #REJECT_DELAY}; {@code REJECT} after
 * {@link #REJECT_DELAY}: nothing is ever dropped by the queue.</p>
 */
public final class StoreMailQueue implements ManageableMailQueue {
    private static final Logger LOGGER = LoggerFactory.getLogger(StoreMailQueue.class);
    static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    static final Duration REJECT_DELAY = Duration.ofMinutes(5);
    /** The due time of a held mail as James's browse API shows it. */
    static final Instant HELD_UNTIL = Instant.parse("9999-12-31T00:00:00Z");
    /** How soon a mail must be due to be kept ready in memory. */
    static final Duration HOT_HORIZON = Duration.ofSeconds(2);
    private static final Comparator<Entry> BY_DUE = Comparator.<Entry>comparingLong(entry -> entry.due).thenComparingLong(entry -> entry.id);

    private final MailQueueName name;
    private final QueueStore store;
    private final MailQueueItemDecoratorFactory decorators;
    private final Clock clock;
    private final HotBudget hotBudget;
    private final Map<Long, Entry> entries = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition scheduleChanged = lock.newCondition();
    /** Due and pending entries, soonest first; guarded by {@link #lock}. */
    private final PriorityQueue<Entry> schedule = new PriorityQueue<>(BY_DUE);

    /** A queued mail as the schedule knows it. The mutable fields are guarded by the queue's lock. */
    static final class Entry {
        final long id;
        final String mailName;
        final String sender;
        final List<String> recipients;
        long due;
        boolean held;
        boolean taken;
        int retries;
        /** The mail ready to hand out, while it is cheap to keep (see {@link HotBudget}); else null. */
        MailImpl hot;
        long hotBytes;

        Entry(long id, String mailName, String sender, List<String> recipients, long due, boolean held) {
            this.id = id;
            this.mailName = mailName;
            this.sender = sender;
            this.recipients = recipients;
            this.due = due;
            this.held = held;
        }
    }

    /** An entry as queue control sees it at one moment. */
    public record Snapshot(long id, String mailName, String sender, List<String> recipients, Instant due, boolean held) {
    }

    StoreMailQueue(MailQueueName name, QueueStore store, MailQueueItemDecoratorFactory decorators, Clock clock, HotBudget hotBudget) {
        this.name = name;
        this.store = store;
        this.decorators = decorators;
        this.clock = clock;
        this.hotBudget = hotBudget;
    }

    /** Puts back a mail found in the store at start. */
    void restore(QueueStore.IndexRow row) {
        Entry entry = new Entry(row.id(), row.name(), row.sender(), recipients(row.recipients()), row.due(), row.held());
        entries.put(entry.id, entry);
        lock.lock();
        try {
            if (!entry.held) {
                schedule.add(entry);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public MailQueueName getName() {
        return name;
    }

    @Override
    public void enQueue(Mail mail) throws MailQueueException {
        enQueue(mail, Duration.ZERO);
    }

    @Override
    public void enQueue(Mail mail, Duration delay) throws MailQueueException {
        long now = clock.millis();
        long due = delay == null || delay.isNegative() ? now : saturatedAdd(now, delay);
        long id = store.nextId();
        String sender = mail.getMaybeSender().asString("");
        List<String> recipients = mail.getRecipients().stream().map(Object::toString).toList();
        Entry entry = new Entry(id, mail.getName(), sender, recipients, due, false);
        try {
            byte[] message = MailCodec.message(mail);
            store.insert(new QueueStore.Row(id, name.asString(), mail.getName(), due, false, sender,
                String.join("\n", recipients), MailCodec.envelope(mail), message));
            if (due - now < HOT_HORIZON.toMillis() && hotBudget.reserve(message.length)) {
                entry.hot = MailCodec.copyOf(mail, message);
                entry.hotBytes = message.length;
            }
        } catch (SQLException | MessagingException | RuntimeException e) {
            throw new MailQueueException("cannot queue " + mail.getName() + " in " + name.asString() + ": " + e.getMessage(), e);
        }
        entries.put(id, entry);
        lock.lock();
        try {
            schedule.add(entry);
            scheduleChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Publisher<Void> enqueueReactive(Mail mail) {
        return Mono.fromRunnable(() -> {
            try {
                enQueue(mail);
            } catch (MailQueueException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    /**
     * The due mails, soonest first, each once until its consumer says it is done. Each subscription takes from
     * the schedule on a thread of its own, which waits for the next due time.
     */
    @Override
    public Publisher<MailQueueItem> deQueue() {
        return Flux.using(() -> Schedulers.newSingle("postern-queue-" + name.asString()),
            taker -> Mono.<MailQueueItem>create(sink -> {
                    try {
                        sink.success(nextItem());
                    } catch (InterruptedException e) {
                        // the subscription was cancelled (the consumer stops): end quietly
                        sink.success();
                    }
                })
                .repeat()
                .subscribeOn(taker),
            Scheduler::dispose);
    }

    private MailQueueItem nextItem() throws InterruptedException {
        while (true) {
            Entry entry = take();
            MailImpl hot = cool(entry);
            if (hot != null) {
                return decorators.decorate(new Item(entry, hot), name);
            }
            try {
                Optional<byte[][]> stored = store.mail(entry.id);
                if (stored.isEmpty()) {
                    forget(entry);
                    continue;
                }
                MailImpl mail = MailCodec.mail(stored.get()[0], stored.get()[1]);
                return decorators.decorate(new Item(entry, mail), name);
            } catch (SQLException | IOException | RuntimeException e) {
                LOGGER.error("{}: queued mail {} cannot be read; trying again in {}", name.asString(), entry.mailName, REJECT_DELAY, e);
                putBack(entry, REJECT_DELAY);
            }
        }
    }

    /** Waits for the soonest entry to be due, and marks it taken. */
    private Entry take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (true) {
                Entry head = schedule.peek();
                if (head == null) {
                    scheduleChanged.await();
                    continue;
                }
                long wait = head.due - clock.millis();
                if (wait > 0) {
                    scheduleChanged.await(wait, TimeUnit.MILLISECONDS);
                    continue;
                }
                schedule.poll();
                head.taken = true;
                return head;
            }
        } finally {
            lock.unlock();
        }
    }

    private final class Item implements MailQueueItem {
        private final Entry entry;
        private final Mail mail;

        Item(Entry entry, Mail mail) {
            this.entry = entry;
            this.mail = mail;
        }

        @Override
        public Mail getMail() {
            return mail;
        }

        @Override
        public void done(CompletionStatus status) {
            switch (status) {
                case SUCCESS -> forget(entry);
                case RETRY -> putBack(entry, retryDelay(entry));
                case REJECT -> {
                    LOGGER.warn("{}: {} rejected by its consumer; offered again in {}", name.asString(), entry.mailName, REJECT_DELAY);
                    putBack(entry, REJECT_DELAY);
                }
            }
        }
    }

    /** 1 s, 2 s, 4 s ... up to {@link #REJECT_DELAY}: a mail its consumer keeps failing does not spin. */
    private static Duration retryDelay(Entry entry) {
        int retries = Math.min(entry.retries++, 20);
        Duration delay = RETRY_DELAY.multipliedBy(1L << retries);
        return delay.compareTo(REJECT_DELAY) > 0 ? REJECT_DELAY : delay;
    }

    private void forget(Entry entry) {
        entries.remove(entry.id);
        cool(entry);
        store.delete(entry.id);
    }

    /** Takes the entry's in-memory mail, if it has one, and gives its bytes back to the budget. */
    private MailImpl cool(Entry entry) {
        MailImpl hot;
        lock.lock();
        try {
            hot = entry.hot;
            entry.hot = null;
            if (hot != null) {
                hotBudget.release(entry.hotBytes);
            }
        } finally {
            lock.unlock();
        }
        return hot;
    }

    private void putBack(Entry entry, Duration delay) {
        lock.lock();
        try {
            entry.taken = false;
            entry.due = clock.millis() + delay.toMillis();
            if (!entry.held && entries.containsKey(entry.id)) {
                schedule.add(entry);
                scheduleChanged.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long getSize() {
        return entries.size();
    }

    /**
     * How many mails this queue holds, how many of them are held and how many wait for a later due time, and (when
     * {@code byDomain}) how many have a recipient in each domain. Read without the queue's lock, for gauges: a count
     * may be a moment behind, the mail path never waits for it.
     */
    public Depth depth(boolean byDomain) {
        long now = clock.millis();
        long held = 0;
        long waiting = 0;
        Map<String, Long> domains = byDomain ? new java.util.HashMap<>() : Map.of();
        for (Entry entry : entries.values()) {
            if (entry.held) {
                held++;
            } else if (entry.due > now && !entry.taken) {
                waiting++;
            }
            if (byDomain) {
                entry.recipients.stream()
                    .map(recipient -> recipient.substring(recipient.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT))
                    .distinct()
                    .forEach(domain -> domains.merge(domain, 1L, Long::sum));
            }
        }
        return new Depth(entries.size(), held, waiting, domains);
    }

    /** What {@link #depth} counted. */
    public record Depth(long mails, long held, long deferred, Map<String, Long> domains) {
    }

    /** Every queued mail not taken by a consumer right now, in id order. */
    public List<Snapshot> snapshot() {
        lock.lock();
        try {
            return entries.values().stream()
                .filter(entry -> !entry.taken)
                .sorted(Comparator.comparingLong(entry -> entry.id))
                .map(entry -> new Snapshot(entry.id, entry.mailName, entry.sender, entry.recipients,
                    Instant.ofEpochMilli(entry.due), entry.held))
                .toList();
        } finally {
            lock.unlock();
        }
    }

    /** The stored envelope (no message) of a queued mail, or empty when it is no longer queued. */
    public Optional<MailImpl> envelope(long id) throws MailQueueException {
        try {
            Optional<byte[]> envelope = store.envelope(id);
            return envelope.isEmpty() ? Optional.empty() : Optional.of(MailCodec.mail(envelope.get(), null));
        } catch (SQLException | IOException e) {
            throw new MailQueueException("cannot read queued mail " + id + " of " + name.asString(), e);
        }
    }

    /** What a change does to a claimed entry's mail: the changed envelope, or null to leave it as it is. */
    public interface Change {
        Mail apply(Mail envelope) throws Exception;
    }

    /** When a queued mail is due, and whether it is held. */
    public record Schedule(Instant due, boolean held) {
    }

    /**
     * For every queued mail that is not taken and that {@code selected} accepts: gives it the schedule
     * {@code reschedule} makes of its current one and, when {@code change} is not null, the envelope it returns, in
     * the store first. The entries are claimed meanwhile, so no consumer takes a mail half changed. Returns how
     * many were changed.
     */
    public int update(Predicate<Snapshot> selected, UnaryOperator<Schedule> reschedule, Change change) throws MailQueueException {
        int changed = 0;
        for (Entry entry : claim(selected)) {
            try {
                Schedule next = reschedule.apply(new Schedule(Instant.ofEpochMilli(entry.due), entry.held));
                byte[] envelope = null;
                if (change != null) {
                    Optional<MailImpl> mail = envelope(entry.id);
                    if (mail.isEmpty()) {
                        continue;
                    }
                    Mail result = change.apply(mail.get());
                    envelope = result == null ? null : MailCodec.envelope(result);
                }
                if (store.change(entry.id, next.due().toEpochMilli(), next.held(), envelope)) {
                    lock.lock();
                    try {
                        entry.due = next.due().toEpochMilli();
                        entry.held = next.held();
                    } finally {
                        lock.unlock();
                    }
                    changed++;
                }
            } catch (MailQueueException e) {
                throw e;
            } catch (Exception e) {
                throw new MailQueueException("cannot change queued mail " + entry.mailName + " of " + name.asString() + ": " + e.getMessage(), e);
            } finally {
                release(entry);
            }
        }
        return changed;
    }

    /**
     * Removes every queued mail that is not taken and that {@code selected} accepts, after {@code before} saw its
     * mail (message included; e.g. to bounce it), and returns how many were removed.
     */
    public int remove(Predicate<Snapshot> selected, Change before) throws MailQueueException {
        int removed = 0;
        for (Entry entry : claim(selected)) {
            boolean gone = false;
            try {
                if (before != null) {
                    Optional<byte[][]> stored = store.mail(entry.id);
                    if (stored.isEmpty()) {
                        continue;
                    }
                    before.apply(MailCodec.mail(stored.get()[0], stored.get()[1]));
                }
                forget(entry);
                gone = true;
                removed++;
            } catch (Exception e) {
                throw new MailQueueException("cannot remove queued mail " + entry.mailName + " of " + name.asString() + ": " + e.getMessage(), e);
            } finally {
                if (!gone) {
                    release(entry);
                }
            }
        }
        return removed;
    }

    /** Takes the selected entries out of the schedule and marks them taken. */
    private List<Entry> claim(Predicate<Snapshot> selected) {
        List<Entry> claimed = new ArrayList<>();
        lock.lock();
        try {
            for (Entry entry : entries.values()) {
                if (!entry.taken && selected.test(new Snapshot(entry.id, entry.mailName, entry.sender, entry.recipients,
                        Instant.ofEpochMilli(entry.due), entry.held))) {
                    schedule.remove(entry);
                    entry.taken = true;
                    if (entry.hot != null) {
                        hotBudget.release(entry.hotBytes);
                        entry.hot = null;
                    }
                    claimed.add(entry);
                }
            }
        } finally {
            lock.unlock();
        }
        claimed.sort(Comparator.comparingLong(entry -> entry.id));
        return claimed;
    }

    private void release(Entry entry) {
        lock.lock();
        try {
            entry.taken = false;
            if (!entry.held && entries.containsKey(entry.id)) {
                schedule.add(entry);
                scheduleChanged.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long flush() throws MailQueueException {
        Instant now = clock.instant();
        return update(entry -> !entry.held() && entry.due().isAfter(now), any -> new Schedule(now, false), null);
    }

    @Override
    public long clear() throws MailQueueException {
        return remove(any -> true, null);
    }

    @Override
    public long remove(Type type, String value) throws MailQueueException {
        return remove(entry -> switch (type) {
            case Name -> entry.mailName().equals(value);
            case Sender -> entry.sender().equals(value);
            case Recipient -> entry.recipients().contains(value);
        }, null);
    }

    @Override
    public MailQueueIterator browse() {
        Iterator<Snapshot> snapshots = snapshot().iterator();
        return new MailQueueIterator() {
            private MailQueueItemView next = advance();

            private MailQueueItemView advance() {
                while (snapshots.hasNext()) {
                    Snapshot snapshot = snapshots.next();
                    try {
                        Optional<byte[][]> stored = store.mail(snapshot.id());
                        if (stored.isPresent()) {
                            ZonedDateTime due = (snapshot.held() ? HELD_UNTIL : snapshot.due()).atZone(ZoneOffset.UTC);
                            return new DefaultMailQueueItemView(MailCodec.mail(stored.get()[0], stored.get()[1]), due);
                        }
                    } catch (SQLException | IOException e) {
                        LOGGER.error("{}: queued mail {} cannot be read", name.asString(), snapshot.mailName(), e);
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public MailQueueItemView next() {
                if (next == null) {
                    throw new java.util.NoSuchElementException();
                }
                MailQueueItemView current = next;
                next = advance();
                return current;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void close() {
    }

    private static long saturatedAdd(long now, Duration delay) {
        try {
            return Math.addExact(now, delay.toMillis());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static List<String> recipients(String stored) {
        return stored.isEmpty() ? List.of() : List.of(stored.split("\n"));
    }
}
