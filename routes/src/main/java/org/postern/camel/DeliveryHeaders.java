package org.postern.camel;

import java.time.Instant;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.postern.dsn.DsnRequest;
import org.postern.queue.DeliveryAttributes;
import org.postern.routing.NextHop;
import org.postern.routing.RoutingAttributes;
import org.postern.smtp.SenderRequests;

/** Names of the headers and properties of a delivery exchange, in one place (as camel-mail's MailConstants). */
public final class DeliveryHeaders {
    /** String: James's mail name, Postern's queue id. */
    public static final String QUEUE_ID = "PosternQueueId";
    /** String: the envelope sender, "" for the null sender. */
    public static final String SENDER = "PosternSender";
    /** List of String: the recipients still pending. */
    public static final String RECIPIENTS = "PosternRecipients";
    /** List of String: the distinct domains of {@link #RECIPIENTS}, lower case (for admin routes' filters). */
    public static final String RECIPIENT_DOMAINS = "PosternRecipientDomains";
    /** String: the recorded {@link NextHop} as text ("mx:example.com", "smtp:[10.0.0.5]:2525"), "error" when none was recorded. */
    public static final String NEXT_HOP = "PosternNextHop";
    /** Instant: when the mail entered the outbound queue. */
    public static final String ARRIVAL = "PosternArrival";
    /** Integer: attempts made before this one. */
    public static final String ATTEMPTS = "PosternAttempts";
    /** DsnRequest: the sender's RET, ENVID, NOTIFY and ORCPT, from James's DSN attributes on the mail. */
    public static final String DSN = "PosternDsn";
    /** String: the message's Message-ID, absent when it has none. */
    public static final String MESSAGE_ID = "PosternMessageId";
    /** Boolean: the sender asked for REQUIRETLS (RFC 8689). */
    public static final String REQUIRETLS = "PosternRequireTls";
    /** Boolean: a delay notice was sent for this mail already (it goes out once). */
    public static final String DELAY_NOTIFIED = "PosternDelayNotified";

    /** List of RecipientOutcome, set by the deliver step: the recipients the next hop accepted. */
    public static final String DELIVERED = "PosternDelivered";
    /** List of RecipientOutcome, set by the deliver step: the recipients that failed for good. */
    public static final String FAILED = "PosternFailed";
    /** List of RecipientOutcome, set by the deliver step: the recipients to retry later. */
    public static final String DEFERRED = "PosternDeferred";

    /** Exchange property: the James Mail, used to re-queue it. Never a message body. */
    public static final String MAIL = "PosternMail";

    /** Boolean: a first attempt made straight from the spool, which must not wait for a busy or failing next hop. */
    public static final String DIRECT = "PosternDirect";
    /** Boolean, set by the deliver step of a {@link #DIRECT} attempt that it would not make now: queue the mail. */
    public static final String NOT_ATTEMPTED = "PosternNotAttempted";

    private DeliveryHeaders() {
    }

    /**
     * Makes {@code exchange} the delivery of {@code mail}: the raw message bytes as James wrote them as the body, the
     * envelope as headers, the mail itself as the {@link #MAIL} property. The bytes are read with James's
     * {@code MimeMessageInputStream}, which keeps them as they came (with mailets' header changes) where
     * {@code writeTo} would first let JavaMail add headers of its own (Date, MIME-Version).
     */
    static void prepare(Exchange exchange, Mail mail) throws javax.mail.MessagingException, java.io.IOException {
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream(
            Math.max(1024, (int) Math.min(Integer.MAX_VALUE, mail.getMessageSize())));
        try (org.apache.james.server.core.MimeMessageInputStream in = new org.apache.james.server.core.MimeMessageInputStream(mail.getMessage())) {
            in.transferTo(raw);
        }
        exchange.getIn().setBody(raw.toByteArray());
        fromMail(mail, exchange);
        exchange.setProperty(MAIL, mail);
    }

    static void fromMail(Mail mail, Exchange exchange) {
        exchange.getIn().setHeader(QUEUE_ID, mail.getName());
        exchange.getIn().setHeader(SENDER, mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse(""));
        exchange.getIn().setHeader(RECIPIENTS, mail.getRecipients().stream().map(MailAddress::asString).toList());
        exchange.getIn().setHeader(RECIPIENT_DOMAINS, mail.getRecipients().stream()
            .map(recipient -> recipient.getDomain().asString().toLowerCase(java.util.Locale.ROOT)).distinct().toList());
        exchange.getIn().setHeader(NEXT_HOP, RoutingAttributes.nextHop(mail).orElse(new NextHop.NoRoute()).asString());
        exchange.getIn().setHeader(ARRIVAL, mail.getAttribute(DeliveryAttributes.ARRIVAL)
            .flatMap(attribute -> attribute.getValue().valueAs(Long.class)).map(Instant::ofEpochMilli)
            .orElse(Instant.ofEpochMilli(mail.getLastUpdated().getTime())));
        exchange.getIn().setHeader(ATTEMPTS, mail.getAttribute(DeliveryAttributes.ATTEMPTS)
            .flatMap(attribute -> attribute.getValue().valueAs(Integer.class)).orElse(0));
        exchange.getIn().setHeader(DSN, DsnRequest.of(mail));
        try {
            exchange.getIn().setHeader(MESSAGE_ID, mail.getMessage() == null ? null : mail.getMessage().getMessageID());
        } catch (javax.mail.MessagingException e) {
            exchange.getIn().removeHeader(MESSAGE_ID);
        }
        exchange.getIn().setHeader(REQUIRETLS, SenderRequests.requireTls(mail));
        exchange.getIn().setHeader(DELAY_NOTIFIED, mail.getAttribute(DeliveryAttributes.DELAY_NOTIFIED)
            .flatMap(attribute -> attribute.getValue().valueAs(Boolean.class)).orElse(false));
    }

    @SuppressWarnings("unchecked")
    static List<String> recipients(Exchange exchange) {
        return exchange.getIn().getHeader(RECIPIENTS, List.class);
    }
}
