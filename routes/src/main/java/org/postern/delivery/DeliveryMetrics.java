package org.postern.delivery;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.postern.metrics.BoundedLabel;
import org.postern.metrics.PosternMetrics;
import org.postern.smtp.client.TlsState;

import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;

/**
 * What delivery counts: each attempt's outcome per recipient and next hop ({@code sent}, {@code deferred},
 * {@code bounced}; expiry counts as bounced), the time from acceptance to delivery of each delivered recipient, and
 * each SMTP/LMTP transaction by the TLS it ran under and whether its session came from the connection cache. Next
 * hops beyond the first {@value #MAX_NEXT_HOPS} share the label {@code other}.
 */
@Singleton
public class DeliveryMetrics {
    static final int MAX_NEXT_HOPS = 200;
    private static final String[] STATUSES = {"sent", "deferred", "bounced"};
    private static final String[] TLS = {"plaintext", "encrypted", "verified"};

    private final BoundedLabel<Counter.Child[]> recipients;
    private final Histogram.Child delay;
    private final BoundedLabel<Counter.Child[]> transactions;

    @Inject
    public DeliveryMetrics(PosternMetrics metrics) {
        Counter outcomes = Counter.build("postern_delivery_recipients", "Recipients decided by a delivery attempt, per next hop and outcome")
            .labelNames("nexthop", "status").register(metrics.registry());
        recipients = new BoundedLabel<>(MAX_NEXT_HOPS, nextHop -> {
            Counter.Child[] children = new Counter.Child[STATUSES.length];
            for (int i = 0; i < STATUSES.length; i++) {
                children[i] = outcomes.labels(nextHop, STATUSES[i]);
            }
            return children;
        });
        delay = Histogram.build("postern_delivery_delay_seconds", "Time from acceptance (250 after DATA) to delivery, per delivered recipient")
            .buckets(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 14400, 86400)
            .register(metrics.registry()).labels();
        Counter sessions = Counter.build("postern_delivery_transactions",
                "Mail transactions with a next hop, by TLS level and what the session got, on a new or a cached (reused) connection")
            .labelNames("tls_level", "tls", "connection").register(metrics.registry());
        transactions = new BoundedLabel<>(50, level -> {
            Counter.Child[] children = new Counter.Child[TLS.length * 2];
            for (int i = 0; i < TLS.length; i++) {
                children[2 * i] = sessions.labels(level, TLS[i], "new");
                children[2 * i + 1] = sessions.labels(level, TLS[i], "reused");
            }
            return children;
        });
    }

    /** The decided recipients of one attempt to one next hop. */
    public void outcomes(String nextHop, int sent, int deferred, int bounced) {
        Counter.Child[] children = recipients.get(nextHop == null ? "none" : nextHop);
        add(children[0], sent);
        add(children[1], deferred);
        add(children[2], bounced);
    }

    public void delivered(double secondsSinceAcceptance) {
        delay.observe(Math.max(0, secondsSinceAcceptance));
    }

    public void transaction(TlsState tls, boolean reused) {
        if (tls == null) {
            return;
        }
        transactions.get(tls.level())[2 * tls.status().ordinal() + (reused ? 1 : 0)].inc();
    }

    private static void add(Counter.Child child, int count) {
        if (count > 0) {
            child.inc(count);
        }
    }
}
