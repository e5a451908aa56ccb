package org.postern.camel;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The delivery route, in Java DSL, speaking no SMTP itself:
 * {@code james-queue:outbound} → deliver (one attempt, {@link DeliverProcessor}) → expire ({@link ScheduleProcessor})
 * → notify the sender as NOTIFY asks: failed, relayed, delayed ({@link BounceProcessor}) → re-queue the deferred ones
 * ({@link RequeueProcessor}).
 * No Camel redelivery: a retry is a durable re-queue, after an unexpected exception too.
 */
public class OutboundDeliveryRoutes extends RouteBuilder {
    public static final String ROUTE_ID = "outbound-deliver";

    private final String queue;
    private final int threads;
    private final DeliverProcessor deliver;
    private final ScheduleProcessor schedule;
    private final BounceProcessor bounce;
    private final RequeueProcessor requeue;
    private final RequeueProcessor requeueAfterError;

    public OutboundDeliveryRoutes(String queue, int threads, DeliverProcessor deliver, ScheduleProcessor schedule,
                                  BounceProcessor bounce, RequeueProcessor requeue, RequeueProcessor requeueAfterError) {
        this.queue = queue;
        this.threads = threads;
        this.deliver = deliver;
        this.schedule = schedule;
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
            .process(deliver).id("deliver")
            .process(schedule).id("expire")
            .process(bounce).id("notify")
            .filter(exchange -> !list(exchange, DeliveryHeaders.DEFERRED).isEmpty())
                .process(requeue).id("requeue")
            .end();
    }

    private static List<?> list(Exchange exchange, String header) {
        return exchange.getIn().getHeader(header, List.class);
    }
}
