package org.postern.camel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.postern.delivery.DsnBuilder;
import org.postern.delivery.Envelope;
import org.postern.delivery.FailurePolicy;
import org.postern.delivery.NextHopTargets;
import org.postern.delivery.RecipientOutcome;
import org.postern.delivery.SmtpDelivery;
import org.postern.delivery.DeliveryLog;
import org.postern.delivery.LedgerRecorder;
import org.postern.dsn.DsnRequest;
import org.postern.smtp.client.SmtpReply;

/**
 * Glue between the exchange and {@link SmtpDelivery}: looks up the next hop's route, stops mail loops (too many
 * Received headers), runs one attempt for the pending recipients (over SMTP or LMTP, or through the endpoint of a
 * {@code camel:} next hop, {@link EndpointDelivery}), and leaves the failed and the deferred ones in the headers
 * {@link DeliveryHeaders#FAILED} and {@link DeliveryHeaders#DEFERRED}. An SMTP or LMTP attempt straight from the
 * spool ({@link DeliveryHeaders#DIRECT}) is made only if the next hop can take it now
 * ({@link SmtpDelivery#deliverNow}); if not, the exchange is marked {@link DeliveryHeaders#NOT_ATTEMPTED}.
 */
public class DeliverProcessor implements Processor {
    private final SmtpDelivery delivery;
    private final NextHopTargets targets;
    private final int maxReceivedHeaders;
    private final LedgerRecorder ledger;
    private final EndpointDelivery endpoints;

    public DeliverProcessor(SmtpDelivery delivery, NextHopTargets targets, int maxReceivedHeaders) {
        this(delivery, targets, maxReceivedHeaders, LedgerRecorder.NONE);
    }

    public DeliverProcessor(SmtpDelivery delivery, NextHopTargets targets, int maxReceivedHeaders, LedgerRecorder ledger) {
        this.delivery = delivery;
        this.targets = targets;
        this.maxReceivedHeaders = maxReceivedHeaders;
        this.ledger = ledger;
        this.endpoints = new EndpointDelivery(ledger);
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Envelope envelope = envelope(exchange);
        byte[] message = exchange.getIn().getBody(byte[].class);
        List<RecipientOutcome> delivered = new ArrayList<>();
        List<RecipientOutcome> failed = new ArrayList<>();
        List<RecipientOutcome> deferred = new ArrayList<>();
        int received = DsnBuilder.receivedHeaders(message);
        if (envelope.recipients().isEmpty()) {
            DeliveryLog.event(envelope.queueId(), "no recipient left: nothing to deliver");
        } else if (received > maxReceivedHeaders) {
            SmtpReply loop = FailurePolicy.loop(received, maxReceivedHeaders);
            for (String recipient : envelope.recipients()) {
                failed.add(new RecipientOutcome(recipient, RecipientOutcome.Status.FAILED, loop, null));
                DeliveryLog.attempt(envelope, recipient, null, null, "bounced", loop, DeliveryLog.Times.now());
                ledger.attempt(envelope, recipient, null, null, loop, "bounced");
            }
        } else {
            String domain = envelope.recipients().get(0).substring(envelope.recipients().get(0).lastIndexOf('@') + 1);
            NextHopTargets.Resolution resolution = targets.resolve(envelope.nextHop(), domain);
            if (resolution.failure() != null) {
                RecipientOutcome.Status status = FailurePolicy.afterAllHosts(resolution.failure());
                for (String recipient : envelope.recipients()) {
                    (status == RecipientOutcome.Status.FAILED ? failed : deferred)
                        .add(new RecipientOutcome(recipient, status, resolution.failure(), null));
                    String label = status == RecipientOutcome.Status.FAILED ? "bounced" : "deferred";
                    DeliveryLog.attempt(envelope, recipient, null, null, label, resolution.failure(), DeliveryLog.Times.now());
                    ledger.attempt(envelope, recipient, null, null, resolution.failure(), label);
                }
            } else {
                Map<String, RecipientOutcome> outcomes;
                if (resolution.route().endpoint().isPresent()) {
                    outcomes = endpoints.deliver(exchange, envelope, message, resolution.route().endpoint().get());
                } else if (Boolean.TRUE.equals(exchange.getIn().getHeader(DeliveryHeaders.DIRECT, Boolean.class))) {
                    java.util.Optional<Map<String, RecipientOutcome>> now = delivery.deliverNow(envelope, message, resolution.route());
                    if (now.isEmpty()) {
                        exchange.getIn().setHeader(DeliveryHeaders.NOT_ATTEMPTED, true);
                        return;
                    }
                    outcomes = now.get();
                } else {
                    outcomes = delivery.deliver(envelope, message, resolution.route());
                }
                for (RecipientOutcome outcome : outcomes.values()) {
                    if (outcome.status() == RecipientOutcome.Status.FAILED) {
                        failed.add(outcome);
                    } else if (outcome.status() == RecipientOutcome.Status.DEFERRED) {
                        deferred.add(outcome);
                    } else {
                        delivered.add(outcome);
                        ledger.outcome(envelope, outcome, "delivered to " + outcome.host());
                    }
                }
            }
        }
        exchange.getIn().setHeader(DeliveryHeaders.DELIVERED, delivered);
        exchange.getIn().setHeader(DeliveryHeaders.FAILED, failed);
        exchange.getIn().setHeader(DeliveryHeaders.DEFERRED, deferred);
    }

    static Envelope envelope(Exchange exchange) {
        return new Envelope(
            exchange.getIn().getHeader(DeliveryHeaders.QUEUE_ID, String.class),
            exchange.getIn().getHeader(DeliveryHeaders.SENDER, String.class),
            DeliveryHeaders.recipients(exchange),
            exchange.getIn().getHeader(DeliveryHeaders.NEXT_HOP, String.class),
            exchange.getIn().getHeader(DeliveryHeaders.ARRIVAL, java.time.Instant.class),
            exchange.getIn().getHeader(DeliveryHeaders.DSN, DsnRequest.class),
            java.util.Optional.ofNullable(exchange.getIn().getHeader(DeliveryHeaders.MESSAGE_ID, String.class)),
            Boolean.TRUE.equals(exchange.getIn().getHeader(DeliveryHeaders.REQUIRETLS, Boolean.class)));
    }
}
