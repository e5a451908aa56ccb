package org.postern.camel;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The delivery routes, in Java DSL, speaking no SMTP themselves. One attempt ({@code direct:attempt}): deliver
 * ({@link DeliverProcessor}) → expire ({@link ScheduleProcessor}) → count ({@link CountOutcomesProcessor}) → notify the sender as NOTIFY asks: failed, relayed,
 * delayed ({@link BounceProcessor}) → re-queue the deferred ones ({@link RequeueProcessor}). It is fed by
 * {@code james-queue:outbound} (retries, and mail not attempted at once) and by the relay processor's hand-off
 * straight from the spool ({@code DirectDelivery}); an attempt from the spool that its next hop cannot take now
 * stops after the deliver step, marked {@link DeliveryHeaders#NOT_ATTEMPTED}, and the hand-off queues the mail.
 * No Camel redelivery: a retry is a durable re-queue, after an unexpected exception too.
 */
public class OutboundDeliveryRoutes extends RouteBuilder {
    public static final String ROUTE_ID = "outbound-deliver";
    public static final String ATTEMPT_ROUTE_ID = "attempt";
    public static final String ATTEMPT = "direct:" + ATTEMPT_ROUTE_ID;

    private final String queue;
    private final int threads;
    private final DeliverProcessor deliver;
    private final ScheduleProcessor schedule;
    private final CountOutcomesProcessor count;
    private final BounceProcessor bounce;
    private final RequeueProcessor requeue;
    private final RequeueProcessor requeueAfterError;

    public OutboundDeliveryRoutes(String queue, int threads, DeliverProcessor deliver, ScheduleProcessor schedule,
                                  CountOutcomesProcessor count, BounceProcessor bounce, RequeueProcessor requeue,
                                  RequeueProcessor requeueAfterError) {
        this.queue = queue;
        this.threads = threads;
        this.deliver = deliver;
        this.schedule = schedule;
        this.count = count;
        this.bounce = bounce;
        this.requeue = requeue;
        this.requeueAfterError = requeueAfterError;
    }

    @Override
    public void configure() {
        // No in-memory redelivery. An unexpected error puts the mail back into the queue, unchanged, after the
        // schedule's delay (durable); only when that fails too does the queue item go back (broker redelivery).
        errorHandler(defaultErrorHandler().maximumRedeliveries(0));
        onException(Exception.class).handled(true)
            .process(requeueAfterError).id("requeue-after-error");

        from(JamesQueueComponent.SCHEME + ":" + queue + "?concurrentConsumers=" + threads).routeId(ROUTE_ID)
            .to(ATTEMPT);

        from(ATTEMPT).routeId(ATTEMPT_ROUTE_ID)
            .process(deliver).id("deliver")
            .filter(exchange -> exchange.getIn().getHeader(DeliveryHeaders.NOT_ATTEMPTED) == null)
                .process(schedule).id("expire")
                .process(count).id("count")
                .process(bounce).id("notify")
                .filter(exchange -> !list(exchange, DeliveryHeaders.DEFERRED).isEmpty())
                    .process(requeue).id("requeue")
                .end()
            .end();
    }

    private static List<?> list(Exchange exchange, String header) {
        return exchange.getIn().getHeader(header, List.class);
    }
}
