package org.postern.camel;

import java.util.List;

import javax.mail.MessagingException;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.util.json.JsonObject;
import org.apache.mailet.Mail;

/**
 * For admin routes ({@code <process ref="mailSummary"/>}): replaces the body, the raw message, with a JSON summary
 * {@code {"queueId", "sender", "recipients", "subject", "size"}} and sets {@code Content-Type: application/json}.
 * The subject is decoded (RFC 2047), {@code null} when absent; {@code size} is the message's size in bytes.
 */
public class MailSummaryProcessor implements Processor {
    /** The name admin routes refer to. */
    public static final String NAME = "mailSummary";

    @Override
    public void process(Exchange exchange) throws Exception {
        byte[] raw = exchange.getIn().getBody(byte[].class);
        JsonObject summary = new JsonObject();
        summary.put("queueId", exchange.getIn().getHeader(DeliveryHeaders.QUEUE_ID, String.class));
        summary.put("sender", exchange.getIn().getHeader(DeliveryHeaders.SENDER, String.class));
        summary.put("recipients", exchange.getIn().getHeader(DeliveryHeaders.RECIPIENTS, List.class));
        summary.put("subject", subject(exchange.getProperty(DeliveryHeaders.MAIL, Mail.class)));
        summary.put("size", raw == null ? 0 : raw.length);
        exchange.getIn().setBody(summary.toJson());
        exchange.getIn().setHeader(Exchange.CONTENT_TYPE, "application/json");
    }

    private static String subject(Mail mail) throws MessagingException {
        return mail == null ? null : mail.getMessage().getSubject();
    }
}
