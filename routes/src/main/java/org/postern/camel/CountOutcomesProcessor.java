package org.postern.camel;

import java.time.Instant;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.postern.delivery.DeliveryLog;
import org.postern.delivery.DeliveryMetrics;

/**
 * Counts what one attempt decided ({@link DeliveryMetrics}): its sent, deferred and bounced recipients under their next
 * hop, and for each sent one the time since acceptance. It runs after expiry, so that an expired recipient counts as
 * bounced, not deferred.
 */
public class CountOutcomesProcessor implements Processor {
    private final DeliveryMetrics metrics;

    public CountOutcomesProcessor(DeliveryMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) {
        int sent = size(exchange, DeliveryHeaders.DELIVERED);
        metrics.outcomes(exchange.getIn().getHeader(DeliveryHeaders.NEXT_HOP, String.class), sent,
            size(exchange, DeliveryHeaders.DEFERRED), size(exchange, DeliveryHeaders.FAILED));
        if (sent > 0) {
            Instant arrival = exchange.getIn().getHeader(DeliveryHeaders.ARRIVAL, Instant.class);
            long now = System.currentTimeMillis();
            long accepted = DeliveryLog.acceptedMillis(exchange.getIn().getHeader(DeliveryHeaders.QUEUE_ID, String.class),
                arrival == null ? now : arrival.toEpochMilli());
            double seconds = (now - accepted) / 1000.0;
            for (int i = 0; i < sent; i++) {
                metrics.delivered(seconds);
            }
        }
    }

    private static int size(Exchange exchange, String header) {
        List<?> list = exchange.getIn().getHeader(header, List.class);
        return list == null ? 0 : list.size();
    }
}
