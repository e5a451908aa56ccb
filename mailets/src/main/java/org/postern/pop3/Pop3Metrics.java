package org.postern.pop3;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.postern.metrics.PosternMetrics;

import io.prometheus.client.Counter;

/** How POP3 sessions read message content: messages served (RETR, TOP) and the mailbox-store reads behind them. */
@Singleton
public class Pop3Metrics {
    private final Counter.Child served;
    private final Counter.Child reads;

    @Inject
    public Pop3Metrics(PosternMetrics metrics) {
        served = Counter.build("postern_pop3_messages_served", "Message contents handed to POP3 RETR and TOP")
            .register(metrics.registry()).labels();
        reads = Counter.build("postern_pop3_mailbox_reads", "Queries to the mailbox store for message contents (one reads ahead several messages)")
            .register(metrics.registry()).labels();
    }

    void messageServed() {
        served.inc();
    }

    void mailboxRead() {
        reads.inc();
    }
}
