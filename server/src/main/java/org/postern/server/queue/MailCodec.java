package org.postern.server.queue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Date;
import java.util.Iterator;
import java.util.Map;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStream;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A James {@link Mail} as the queue store keeps it: the envelope (name, sender, recipients, state, error message,
 * client, last update, attributes as James's own attribute JSON, per-recipient headers) as one JSON document, and
 * the message as its raw bytes, exactly as James wrote them. Attributes whose value has no JSON form are not kept,
 * as in James's own JMS queues.
 */
final class MailCodec {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailCodec.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private MailCodec() {
    }

    static byte[] envelope(Mail mail) {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", mail.getName());
        root.put("sender", mail.getMaybeSender().asString(""));
        ArrayNode recipients = root.putArray("recipients");
        mail.getRecipients().forEach(recipient -> recipients.add(recipient.asString()));
        root.put("state", mail.getState());
        root.put("error", mail.getErrorMessage());
        root.put("remoteHost", mail.getRemoteHost());
        root.put("remoteAddr", mail.getRemoteAddr());
        root.put("lastUpdated", mail.getLastUpdated() == null ? System.currentTimeMillis() : mail.getLastUpdated().getTime());
        ObjectNode attributes = root.putObject("attributes");
        mail.attributes().forEach(attribute -> attribute.getValue().toJson().ifPresentOrElse(
            json -> attributes.set(attribute.getName().asString(), json),
            () -> LOGGER.debug("{}: attribute {} has no JSON form and is not queued", mail.getName(), attribute.getName().asString())));
        ObjectNode headers = root.putObject("perRecipientHeaders");
        mail.getPerRecipientSpecificHeaders().getHeadersByRecipient().asMap().forEach((recipient, values) -> {
            ArrayNode list = headers.putArray(recipient.asString());
            values.forEach(header -> list.add(header.asString()));
        });
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the envelope of " + mail.getName(), e);
        }
    }

    /**
     * The message bytes as they came, with header changes made by mailets but without JavaMail's own additions:
     * James's {@link MimeMessageInputStream} reads an unchanged message straight from its source and never calls
     * {@code saveChanges()} (which would add Date and MIME-Version headers), unlike {@code writeTo}.
     */
    static byte[] message(Mail mail) throws MessagingException {
        long size = mail.getMessageSize();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(size > 0 && size < Integer.MAX_VALUE ? (int) size : 8192);
        try (MimeMessageInputStream in = new MimeMessageInputStream(mail.getMessage())) {
            in.transferTo(bytes);
        } catch (IOException e) {
            throw new MessagingException("cannot read the message of " + mail.getName(), e);
        }
        return bytes.toByteArray();
    }

    /** The mail of a stored envelope, with its message when {@code message} is not null. */
    static MailImpl mail(byte[] envelope, byte[] message) throws IOException {
        JsonNode root = JSON.readTree(envelope);
        String name = root.path("name").asText();
        MailImpl.Builder mail = MailImpl.builder().name(name)
            .sender(MaybeSender.getMailSender(root.path("sender").asText("")))
            .state(text(root, "state"))
            .errorMessage(text(root, "error"))
            .remoteHost(text(root, "remoteHost"))
            .remoteAddr(text(root, "remoteAddr"))
            .lastUpdated(new Date(root.path("lastUpdated").asLong(System.currentTimeMillis())));
        for (JsonNode recipient : root.path("recipients")) {
            try {
                mail.addRecipient(new MailAddress(recipient.asText()));
            } catch (AddressException e) {
                LOGGER.error("{}: queued recipient '{}' is not an address and is left out", name, recipient.asText());
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("attributes").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> attribute = it.next();
            mail.addAttribute(new Attribute(AttributeName.of(attribute.getKey()), AttributeValue.fromJson(attribute.getValue())));
        }
        PerRecipientHeaders headers = new PerRecipientHeaders();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("perRecipientHeaders").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> recipient = it.next();
            try {
                MailAddress address = new MailAddress(recipient.getKey());
                for (JsonNode header : recipient.getValue()) {
                    headers.addHeaderForRecipient(PerRecipientHeaders.Header.fromString(header.asText()), address);
                }
            } catch (AddressException e) {
                LOGGER.error("{}: headers for '{}' left out: not an address", name, recipient.getKey());
            }
        }
        if (!headers.getHeadersByRecipient().isEmpty()) {
            mail.addAllHeadersForRecipients(headers);
        }
        MailImpl built = mail.build();
        if (message != null) {
            try {
                built.setMessageContent(new BytesMessageSource(name, message));
            } catch (MessagingException e) {
                throw new IOException("cannot read the message of " + name, e);
            }
        }
        return built;
    }

    /**
     * A mail like {@code mail} with {@code message} as its message, for the consumer that takes it from the queue
     * while it is still in memory: no decoding, no copy of the bytes. Attribute values are shared, not copied:
     * mailets replace an attribute, they never change a value in place.
     */
    static MailImpl copyOf(Mail mail, byte[] message) throws MessagingException {
        MailImpl copy = MailImpl.builder().name(mail.getName())
            .sender(mail.getMaybeSender())
            .addRecipients(mail.getRecipients())
            .state(mail.getState())
            .errorMessage(mail.getErrorMessage())
            .remoteHost(mail.getRemoteHost())
            .remoteAddr(mail.getRemoteAddr())
            .lastUpdated(mail.getLastUpdated() == null ? new Date() : mail.getLastUpdated())
            .addAttributes(mail.attributes().toList())
            .build();
        if (!mail.getPerRecipientSpecificHeaders().getHeadersByRecipient().isEmpty()) {
            copy.addAllSpecificHeaderForRecipient(mail.getPerRecipientSpecificHeaders());
        }
        copy.setMessageContent(new BytesMessageSource(mail.getName(), message));
        return copy;
    }

    private static String text(JsonNode root, String field) {
        JsonNode value = root.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
