package org.postern.smtp;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * What the sender asked for on MAIL FROM that must travel with the mail to the next hop, kept as a mail attribute
 * (through the spool and the outbound queue): {@code REQUIRETLS} (RFC 8689).
 */
public final class SenderRequests {
    public static final AttributeName REQUIRETLS = AttributeName.of("org.postern.smtp.requiretls");

    private SenderRequests() {
    }

    public static boolean requireTls(Mail mail) {
        return flag(mail, REQUIRETLS);
    }

    static void set(Mail mail, AttributeName name) {
        mail.setAttribute(new Attribute(name, AttributeValue.of(true)));
    }

    private static boolean flag(Mail mail, AttributeName name) {
        return mail.getAttribute(name).flatMap(attribute -> attribute.getValue().valueAs(Boolean.class)).orElse(false);
    }
}
