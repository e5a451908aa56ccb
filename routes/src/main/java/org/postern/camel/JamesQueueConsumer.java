package org.postern.camel;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.queue.api.MailQueue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Takes mails off a James mail queue ({@code MailQueue.deQueue()}), up to {@code concurrentConsumers} at once, and
 * runs each through the route synchronously. The exchange carries the raw message bytes as its body (written by
 * James, unchanged), the envelope as headers ({@link DeliveryHeaders}) and the James {@link Mail} as a property
 * for re-queueing. The queue item is acknowledged only when the exchange completed without an exception: the
 * mail was then delivered, re-queued with a delay, or bounced. Otherwise it is handed back to the queue (a crash
 * has the same effect), which redelivers it.
 */
class JamesQueueConsumer extends DefaultConsumer {
    private static final Logger LOGGER = LoggerFactory.getLogger(JamesQueueConsumer.class);

    private final MailQueue queue;
    private final int concurrency;
    private Scheduler workers;
    private Scheduler reader;
    private volatile Disposable subscription;
    private volatile boolean running;

    JamesQueueConsumer(JamesQueueEndpoint endpoint, Processor processor, MailQueue queue, int concurrency) {
        super(endpoint, processor);
        this.queue = queue;
        this.concurrency = concurrency;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        workers = Schedulers.newBoundedElastic(concurrency + 1, 1_000, "postern-" + queue.getName().asString());
        reader = Schedulers.newBoundedElastic(1, 1_000, "postern-" + queue.getName().asString() + "-dequeue");
        running = true;
        subscribe();
    }

    /** Reads the queue; when reading fails (the broker, not a mail), reads again a second later. */
    private synchronized void subscribe() {
        if (!running) {
            return;
        }
        subscription = Flux.from(queue.deQueue())
            .flatMap(item -> Mono.fromRunnable(() -> handle(item)).subscribeOn(workers), concurrency)
            .subscribeOn(reader)
            .subscribe(any -> { }, error -> {
                if (running) {
                    LOGGER.error("reading queue {} failed; reading again in 1s", queue.getName().asString(), error);
                    Mono.delay(java.time.Duration.ofSeconds(1)).subscribe(tick -> subscribe());
                }
            });
    }

    private void handle(MailQueue.MailQueueItem item) {
        Mail mail = item.getMail();
        Exchange exchange = createExchange(false);
        boolean success = false;
        try {
            DeliveryHeaders.prepare(exchange, mail);
            getProcessor().process(exchange);
            success = exchange.getException() == null;
            if (!success) {
                LOGGER.error("{}: delivery route failed, the mail goes back to queue {}", mail.getName(),
                    queue.getName().asString(), exchange.getException());
            }
        } catch (Throwable e) {
            LOGGER.error("{}: delivery route failed, the mail goes back to queue {}", mail.getName(), queue.getName().asString(), e);
        } finally {
            try {
                item.done(success ? MailQueue.MailQueueItem.CompletionStatus.SUCCESS : MailQueue.MailQueueItem.CompletionStatus.RETRY);
            } catch (Exception e) {
                LOGGER.error("{}: acknowledging queue item failed", mail.getName(), e);
            }
            releaseExchange(exchange, false);
            LifecycleUtil.dispose(mail);
        }
    }

    @Override
    protected void doStop() throws Exception {
        synchronized (this) {
            running = false;
        }
        if (subscription != null) {
            subscription.dispose();
        }
        if (workers != null) {
            workers.dispose();
        }
        if (reader != null) {
            reader.dispose();
        }
        super.doStop();
    }
}
