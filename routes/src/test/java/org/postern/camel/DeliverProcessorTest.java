package org.postern.camel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.postern.delivery.ConnectionCache;
import org.postern.delivery.DeliverySettings;
import org.postern.delivery.NextHopTargets;
import org.postern.delivery.RecipientOutcome;
import org.postern.delivery.SmtpDelivery;

/** The deliver step on a bare exchange: a mail loop is failed with 5.4.6 before any lookup or connection. */
class DeliverProcessorTest {
    @Test
    void aMailWithMoreReceivedHeadersThanTheLimitShouldFailAsALoop() throws Exception {
        DeliverySettings settings = DeliverySettings.defaults();
        try (ConnectionCache cache = new ConnectionCache(settings.connectionCache());
             DefaultCamelContext camel = new DefaultCamelContext()) {
            // routing services without configuration: any lookup would fail, and then defer instead of fail
            DeliverProcessor deliver = new DeliverProcessor(new SmtpDelivery(settings, cache, org.postern.delivery.LedgerRecorder.NONE,
                    org.postern.delivery.tls.TransportSecurity.levelsOnly(settings.tls(), org.postern.smtp.client.TrustStores.jvmDefault())),
                new NextHopTargets(new org.postern.routing.RoutingServices(null, null)), 3);
            Exchange exchange = new DefaultExchange(camel);
            exchange.getIn().setBody(("Received: a\r\nReceived: b\r\nreceived: c\r\nReceived: d\r\nSubject: loop\r\n\r\nx\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            exchange.getIn().setHeader(DeliveryHeaders.QUEUE_ID, "Mail1");
            exchange.getIn().setHeader(DeliveryHeaders.SENDER, "s@example.test");
            exchange.getIn().setHeader(DeliveryHeaders.RECIPIENTS, List.of("a@dest.test"));
            exchange.getIn().setHeader(DeliveryHeaders.NEXT_HOP, "mx:dest.test");
            exchange.getIn().setHeader(DeliveryHeaders.ARRIVAL, Instant.now());

            deliver.process(exchange);

            List<?> failed = exchange.getIn().getHeader(DeliveryHeaders.FAILED, List.class);
            assertThat(failed).singleElement().satisfies(outcome -> {
                assertThat(((RecipientOutcome) outcome).reply().enhanced()).isEqualTo("5.4.6");
                assertThat(((RecipientOutcome) outcome).reply().text()).contains("4 Received headers (limit 3)");
            });
            assertThat(exchange.getIn().getHeader(DeliveryHeaders.DEFERRED, List.class)).isEmpty();
        }
    }

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path conf;

    /** A camel: next hop: the admin route's success delivers, its exception defers (to be retried). */
    @Test
    void aCamelNextHopShouldBeDeliveredOrDeferredByItsRoute() throws Exception {
        DeliverySettings settings = DeliverySettings.defaults();
        org.apache.commons.configuration2.BaseHierarchicalConfiguration dnsservice = new org.apache.commons.configuration2.BaseHierarchicalConfiguration();
        dnsservice.addProperty("servers.server", "127.0.0.1");
        dnsservice.addProperty("autodiscover", false);
        List<byte[]> archived = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ConnectionCache cache = new ConnectionCache(settings.connectionCache());
             DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new org.apache.camel.builder.RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:archive").process(exchange -> archived.add(exchange.getIn().getBody(byte[].class)));
                    from("direct:broken").throwException(new IllegalStateException("archive disk full"));
                }
            });
            camel.start();
            DeliverProcessor deliver = new DeliverProcessor(new SmtpDelivery(settings, cache, org.postern.delivery.LedgerRecorder.NONE,
                    org.postern.delivery.tls.TransportSecurity.levelsOnly(settings.tls(), org.postern.smtp.client.TrustStores.jvmDefault())),
                new NextHopTargets(new org.postern.routing.RoutingServices((component, level) -> dnsservice,
                    new org.postern.testing.ConfFolder(conf))), 50);
            byte[] message = "Subject: to the archive\r\n\r\nkeep me\r\n".getBytes(StandardCharsets.US_ASCII);

            Exchange archive = exchange(camel, "camel:direct:archive", message);
            Exchange broken = exchange(camel, "camel:direct:broken", message);
            deliver.process(archive);
            deliver.process(broken);

            assertThat(archived).singleElement().isEqualTo(message);
            assertThat(archive.getIn().getHeader(DeliveryHeaders.DELIVERED, List.class)).singleElement()
                .satisfies(outcome -> assertThat(((RecipientOutcome) outcome).reply().toString()).isEqualTo("250 2.0.0 accepted by camel:direct:archive"));
            assertThat(broken.getIn().getHeader(DeliveryHeaders.DEFERRED, List.class)).singleElement()
                .satisfies(outcome -> assertThat(((RecipientOutcome) outcome).reply().toString())
                    .startsWith("451 4.4.0 camel:direct:broken failed: IllegalStateException: archive disk full"));
            assertThat(broken.getIn().getHeader(DeliveryHeaders.DELIVERED, List.class)).isEmpty();
        }
    }

    private static Exchange exchange(DefaultCamelContext camel, String nextHop, byte[] message) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setBody(message);
        exchange.getIn().setHeader(DeliveryHeaders.QUEUE_ID, "Mail2");
        exchange.getIn().setHeader(DeliveryHeaders.SENDER, "s@example.test");
        exchange.getIn().setHeader(DeliveryHeaders.RECIPIENTS, List.of("a@archive.test"));
        exchange.getIn().setHeader(DeliveryHeaders.NEXT_HOP, nextHop);
        exchange.getIn().setHeader(DeliveryHeaders.ARRIVAL, Instant.now());
        return exchange;
    }
}
