package org.postern.ledger;

import java.time.Instant;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;

/** Builds ledger events from a James mail: queue id, sender, Message-ID and ENVID taken the same way everywhere. */
public final class LedgerEvents {
    private LedgerEvents() {
    }

    public static LedgerEvent of(Mail mail, MailAddress recipient, LedgerEvent.Kind kind) {
        return LedgerEvent.of(Instant.now(), QueueIds.of(mail.getName()), mail.getMaybeSender().asString(""), recipient.asString(), kind)
            .withMessage(messageId(mail), mail.dsnParameters().flatMap(DsnParameters::getEnvIdParameter).map(DsnParameters.EnvId::asString));
    }

    private static Optional<String> messageId(Mail mail) {
        try {
            return Optional.ofNullable(mail.getMessage()).map(message -> {
                try {
                    return message.getMessageID();
                } catch (MessagingException e) {
                    return null;
                }
            });
        } catch (MessagingException e) {
            return Optional.empty();
        }
    }
}
