package org.postern.camel;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The delivery route, in Java DSL, speaking no SMTP itself:
 * {@code james-queue:outbound} → deliver (one attempt, {@link DeliverProcessor}) → expire ({@link ScheduleProcessor})
 * → bounce the failed recipients ({@link BounceProcessor}) → re-queue the deferred ones ({@link RequeueProcessor}).
 * No Camel redelivery: a retry is a durable re-queue; an unexpected exception hands the mail back to the queue.
 */
public class OutboundDeliveryRoutes extends RouteBuilder {
    public static final String ROUTE_ID = "outbound-deliver";

    private final String queue;
    private final int threads;
    private final DeliverProcessor deliver;
    private final ScheduleProcessor schedule;
    private final BounceProcessor bounce;
    private final RequeueProcessor requeue;

    public OutboundDeliveryRoutes(String queue, int threads, DeliverProcessor deliver, ScheduleProcessor schedule,
                                  BounceProcessor bounce, RequeueProcessor requeue) {
        this.queue = queue;
        this.threads = threads;
        this.deliver = deliver;
        this.schedule = schedule;
        this.bounce = bounce;
        this.requeue = requeue;
    }

    @Override
    public void configure() {
        errorHandler(noErrorHandler());

        from(JamesQueueComponent.SCHEME + ":" + queue + "?concurrentConsumers=" + threads).routeId(ROUTE_ID)
            .process(deliver).id("deliver")
            .process(schedule).id("expire")
            .filter(exchange -> !list(exchange, DeliveryHeaders.FAILED).isEmpty())
                .process(bounce).id("bounce")
            .end()
            .filter(exchange -> !list(exchange, DeliveryHeaders.DEFERRED).isEmpty())
                .process(requeue).id("requeue")
            .end();
    }

    private static List<?> list(Exchange exchange, String header) {
        return exchange.getIn().getHeader(header, List.class);
    }
}
