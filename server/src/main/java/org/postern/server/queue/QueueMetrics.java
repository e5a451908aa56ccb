package org.postern.server.queue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.apache.james.queue.api.MailQueueFactory;

import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;

/**
 * What the queues hold, counted when Prometheus scrapes (never on the mail path): per queue the mails, the held ones
 * and the deferred ones (due later), and for every queue but the spool the mails per recipient domain, the
 * {@value #MAX_DOMAINS} largest, the rest summed as {@code other}.
 */
final class QueueMetrics extends Collector {
    static final int MAX_DOMAINS = 100;

    private final StoreMailQueueFactory queues;

    QueueMetrics(StoreMailQueueFactory queues) {
        this.queues = queues;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        GaugeMetricFamily mails = new GaugeMetricFamily("postern_queue_mails", "Mails in a queue", List.of("queue"));
        GaugeMetricFamily held = new GaugeMetricFamily("postern_queue_held_mails", "Held mails in a queue (queue control: hold)", List.of("queue"));
        GaugeMetricFamily deferred = new GaugeMetricFamily("postern_queue_deferred_mails",
            "Mails in a queue waiting for a later attempt", List.of("queue"));
        GaugeMetricFamily destinations = new GaugeMetricFamily("postern_queue_destination_mails",
            "Mails in a queue with a recipient in this domain", List.of("queue", "domain"));
        for (StoreMailQueue queue : queues.queues()) {
            String name = queue.getName().asString();
            boolean spool = name.equals(MailQueueFactory.SPOOL.asString());
            StoreMailQueue.Depth depth = queue.depth(!spool);
            mails.addMetric(List.of(name), depth.mails());
            held.addMetric(List.of(name), depth.held());
            deferred.addMetric(List.of(name), depth.deferred());
            List<Map.Entry<String, Long>> largest = new ArrayList<>(depth.domains().entrySet());
            largest.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
            long other = 0;
            for (int i = 0; i < largest.size(); i++) {
                if (i < MAX_DOMAINS) {
                    destinations.addMetric(List.of(name, largest.get(i).getKey()), largest.get(i).getValue());
                } else {
                    other += largest.get(i).getValue();
                }
            }
            if (other > 0) {
                destinations.addMetric(List.of(name, "other"), other);
            }
        }
        return List.of(mails, held, deferred, destinations);
    }
}
