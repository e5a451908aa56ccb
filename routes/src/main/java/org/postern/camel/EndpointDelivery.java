package org.postern.camel;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.postern.delivery.DeliveryLog;
import org.postern.delivery.Envelope;
import org.postern.delivery.LedgerRecorder;
import org.postern.delivery.RecipientOutcome;
import org.postern.smtp.client.SmtpReply;

/**
 * A {@code camel:} next hop: the message goes to an endpoint of the delivery CamelContext, typically an admin route
 * of {@code routes/*.xml}, as a new exchange carrying the raw message bytes and the delivery headers
 * ({@link DeliveryHeaders}). The route's success delivers every recipient (250 2.0.0); its exception, or an
 * endpoint that does not exist, defers them (451 4.4.0), to be retried on the schedule like any other.
 */
final class EndpointDelivery {
    private final LedgerRecorder ledger;
    private volatile ProducerTemplate template;

    EndpointDelivery(LedgerRecorder ledger) {
        this.ledger = ledger;
    }

    Map<String, RecipientOutcome> deliver(Exchange exchange, Envelope envelope, byte[] message, String uri) {
        long start = System.currentTimeMillis();
        Exchange result = template(exchange).send(uri, handOff -> {
            handOff.getIn().setHeaders(new java.util.HashMap<>(exchange.getIn().getHeaders()));
            handOff.getIn().setBody(message);
        });
        SmtpReply reply = result.isFailed()
            ? SmtpReply.local(451, "4.4.0", "camel:" + uri + " failed: " + failure(result))
            : SmtpReply.local(250, "2.0.0", "accepted by camel:" + uri);
        RecipientOutcome.Status status = result.isFailed() ? RecipientOutcome.Status.DEFERRED : RecipientOutcome.Status.DELIVERED;
        DeliveryLog.Times times = new DeliveryLog.Times(start, start, System.currentTimeMillis(), 0);
        Map<String, RecipientOutcome> outcomes = new LinkedHashMap<>();
        for (String recipient : envelope.recipients()) {
            outcomes.put(recipient, new RecipientOutcome(recipient, status, reply, null));
            String label = status == RecipientOutcome.Status.DELIVERED ? "sent" : "deferred";
            DeliveryLog.attempt(envelope, recipient, null, null, label, reply, times);
            ledger.attempt(envelope, recipient, null, null, reply, label);
        }
        return outcomes;
    }

    private static String failure(Exchange result) {
        Exception e = result.getException();
        return e == null ? "failed" : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private ProducerTemplate template(Exchange exchange) {
        ProducerTemplate current = template;
        if (current == null) {
            synchronized (this) {
                if (template == null) {
                    template = exchange.getContext().createProducerTemplate();
                }
                current = template;
            }
        }
        return current;
    }
}
