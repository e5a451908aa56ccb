package org.postern.metrics;

import javax.inject.Singleton;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;

/**
 * Postern's own Prometheus metrics: the one registry of a James server that every counting part of Postern registers
 * its metrics in ({@code SmtpMetrics}, {@code DeliveryMetrics}, the DNS and queue collectors), served beside James's
 * Dropwizard metrics at webadmin's {@code /metrics} ({@link org.postern.admin.PrometheusRoutes}).
 *
 * <p>Counters on the mail path are simpleclient's (lock-free adders), and their labelled children are looked up once
 * per label value and kept ({@link BoundedLabel}), so that counting allocates nothing. Gauges of what is queued are
 * computed when Prometheus scrapes, never on the mail path.</p>
 */
@Singleton
public class PosternMetrics {
    private final CollectorRegistry registry = new CollectorRegistry(true);

    public CollectorRegistry registry() {
        return registry;
    }

    /** Adds a collector (a metric family computed at scrape time) and returns it. */
    public <T extends Collector> T register(T collector) {
        registry.register(collector);
        return collector;
    }
}
