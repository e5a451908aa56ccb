package org.postern.dsn;

import java.io.ByteArrayInputStream;
import java.util.Properties;
import java.util.UUID;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;

/**
 * A delivery status notification as a mail for James's spool: from the null sender (so it is never bounced
 * itself), to the original sender, marked as made by a mailet (so the pipeline relays it like a bounce).
 * The caller enqueues it, then disposes of it.
 */
public final class NotificationMail {
    private NotificationMail() {
    }

    public static MailImpl to(String sender, byte[] report) throws MessagingException {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(report));
        return MailImpl.builder()
            .name("dsn-" + UUID.randomUUID())
            .sender(MailAddress.nullSender())
            .addRecipient(new MailAddress(sender))
            .mimeMessage(message)
            .addAttribute(Mail.SENT_BY_MAILET_ATTRIBUTE)
            .build();
    }
}
