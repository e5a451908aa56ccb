package org.postern.dns;

import java.util.List;

import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;

/**
 * The DNS lookups of the server's one {@link MxLookup} and how many its cache answered, read from its counters when
 * Prometheus scrapes: {@code postern_dns_lookups_total} and {@code postern_dns_cache_hits_total}, each by
 * {@code kind}: {@code mx} (a domain's mail hosts, for routing and delivery) or {@code address} (an MX host's
 * addresses).
 */
public final class DnsMetrics extends Collector {
    private final MxLookup mx;

    public DnsMetrics(MxLookup mx) {
        this.mx = mx;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        long[] counts = mx.counts();
        CounterMetricFamily lookups = new CounterMetricFamily("postern_dns_lookups",
            "DNS lookups asked for (mx: mail hosts of a domain; address: addresses of a mail host)", List.of("kind"));
        lookups.addMetric(List.of("mx"), counts[0]);
        lookups.addMetric(List.of("address"), counts[2]);
        CounterMetricFamily hits = new CounterMetricFamily("postern_dns_cache_hits",
            "DNS lookups answered from Postern's cache, without a query", List.of("kind"));
        hits.addMetric(List.of("mx"), counts[1]);
        hits.addMetric(List.of("address"), counts[3]);
        return List.of(lookups, hits);
    }
}
