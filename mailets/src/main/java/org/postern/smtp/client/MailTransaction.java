package org.postern.smtp.client;

import java.util.List;

import org.postern.dsn.DsnRequest;

/**
 * One message for one transaction: the envelope, the content as stored, and what the sender asked for that
 * travels with it: the DSN request (RFC 3461), SMTPUTF8 (RFC 6531) and REQUIRETLS (RFC 8689).
 */
public record MailTransaction(String sender, List<String> recipients, byte[] message, DsnRequest dsn, boolean smtpUtf8,
                              boolean requireTls) {
    public MailTransaction {
        recipients = List.copyOf(recipients);
        dsn = dsn == null ? DsnRequest.NONE : dsn;
    }

    public MailTransaction(String sender, List<String> recipients, byte[] message) {
        this(sender, recipients, message, DsnRequest.NONE, false, false);
    }

    /** Whether the next hop must offer SMTPUTF8: the sender asked for it, or an address is not ASCII. */
    public boolean needsSmtpUtf8() {
        return smtpUtf8 || nonAsciiAddress();
    }

    boolean nonAsciiAddress() {
        return !isAscii(sender) || recipients.stream().anyMatch(recipient -> !isAscii(recipient));
    }

    static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 127) {
                return false;
            }
        }
        return true;
    }
}
