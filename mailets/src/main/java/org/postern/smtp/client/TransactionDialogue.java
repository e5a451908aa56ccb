package org.postern.smtp.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.postern.dsn.DsnRequest;

/**
 * One mail transaction on an open session (RFC 5321 section 3.3), as few round trips as the server allows:
 * <ul>
 *   <li>with PIPELINING (RFC 2920), MAIL, every RCPT and DATA leave in one write; with CHUNKING too (RFC 3030),
 *       {@code BDAT n LAST} and the message itself, so that the whole transaction is one round trip;</li>
 *   <li>MAIL carries SIZE, BODY=8BITMIME for 8-bit content, SMTPUTF8, REQUIRETLS and the DSN request when the
 *       server offers them; refused before anything is sent: a message over the server's SIZE (552 5.3.4), one
 *       needing SMTPUTF8 that the server lacks (553 5.6.7 for a non-ASCII sender, 554 5.6.9 when the sender asked
 *       for it), one asking for REQUIRETLS from a server without it or without a verified certificate (550 5.7.10);
 *       without SMTPUTF8 at the server, a non-ASCII recipient alone is refused (553 5.6.7), never sent as raw bytes;</li>
 *   <li>the answer maps each recipient to the reply that decides it: its RCPT reply when refused, else the reply
 *       to MAIL, DATA or the end of data (for LMTP, RFC 2033, its own reply after the data);</li>
 *   <li>a 421 ends the session; a failed transaction is reset (RSET) so the session can carry the next one.</li>
 * </ul>
 */
final class TransactionDialogue {
    private final SmtpLines lines;
    private final Capabilities capabilities;
    private final Protocol protocol;
    private final SmtpTimeouts timeouts;
    private final Target target;
    private final TlsState tls;
    private boolean answered;
    private boolean usable = true;

    TransactionDialogue(SmtpLines lines, Capabilities capabilities, Protocol protocol, SmtpTimeouts timeouts, Target target, TlsState tls) {
        this.lines = lines;
        this.capabilities = capabilities;
        this.protocol = protocol;
        this.timeouts = timeouts;
        this.target = target;
        this.tls = tls;
    }

    /** Whether the server answered MAIL (false: it was gone before, nothing of this transaction reached it). */
    boolean answered() {
        return answered;
    }

    boolean usable() {
        return usable;
    }

    Map<String, SmtpReply> run(MailTransaction mail) throws IOException {
        Map<String, SmtpReply> outcome = new LinkedHashMap<>();
        SmtpReply refusal = refusal(mail);
        if (refusal != null) {
            mail.recipients().forEach(recipient -> outcome.put(recipient, refusal));
            return outcome;
        }
        List<String> recipients = mail.recipients();
        if (!capabilities.offers("SMTPUTF8")) {
            recipients = new ArrayList<>();
            for (String recipient : mail.recipients()) {
                if (MailTransaction.isAscii(recipient)) {
                    recipients.add(recipient);
                } else {
                    outcome.put(recipient, SmtpReply.local(553, "5.6.7", "non-ASCII address, and " + target + " does not offer SMTPUTF8"));
                }
            }
            if (recipients.isEmpty()) {
                return outcome;
            }
        }
        DsnRequest dsn = capabilities.offers("DSN") ? mail.dsn() : null;
        boolean chunking = capabilities.offers("CHUNKING");
        long wireLength = chunking ? MessageWriter.wireLength(mail.message()) : 0;
        boolean pipelining = capabilities.offers("PIPELINING");
        String mailCommand = mailCommand(mail, dsn);

        SmtpReply mailReply;
        List<SmtpReply> rcptReplies = new ArrayList<>(recipients.size());
        if (pipelining) {
            lines.write(mailCommand);
            for (String recipient : recipients) {
                lines.write(rcpt(recipient, dsn));
            }
            if (chunking) {
                lines.write("BDAT " + wireLength + " LAST");
                MessageWriter.write(mail.message(), lines.data(), false);
            } else {
                lines.write("DATA");
            }
            lines.flush();
            mailReply = lines.read(timeouts.mail());
            answered = true;
            for (int i = 0; i < recipients.size() && mailReply.code() != 421; i++) {
                SmtpReply reply = lines.read(timeouts.rcpt());
                rcptReplies.add(reply);
                if (reply.code() == 421) {
                    break;
                }
            }
        } else {
            mailReply = lines.command(mailCommand, timeouts.mail());
            answered = true;
            for (int i = 0; i < recipients.size() && mailReply.code() / 100 == 2; i++) {
                SmtpReply reply = lines.command(rcpt(recipients.get(i), dsn), timeouts.rcpt());
                rcptReplies.add(reply);
                if (reply.code() == 421) {
                    break;
                }
            }
        }
        SmtpReply closing = closing(mailReply, rcptReplies);
        if (closing != null) {
            usable = false;
            recipients.forEach(recipient -> outcome.put(recipient, closing));
            return outcome;
        }
        boolean mailAccepted = mailReply.code() / 100 == 2;
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            String recipient = recipients.get(i);
            SmtpReply reply = mailAccepted ? rcptReplies.get(i) : mailReply;
            if (reply.code() == 250 || reply.code() == 251) {
                accepted.add(recipient);
            } else {
                outcome.put(recipient, reply);
            }
        }
        if (chunking) {
            if (!pipelining && accepted.isEmpty()) {
                reset();
                return outcome;
            }
            if (!pipelining) {
                lines.write("BDAT " + wireLength + " LAST");
                MessageWriter.write(mail.message(), lines.data(), false);
                lines.flush();
            }
            return endOfData(accepted, outcome, true);
        }
        if (!pipelining) {
            if (accepted.isEmpty()) {
                reset();
                return outcome;
            }
            lines.write("DATA");
            lines.flush();
        }
        SmtpReply data = lines.read(timeouts.data());
        if (data.code() != 354) {
            accepted.forEach(recipient -> outcome.put(recipient, data));
            resetAfter(data);
            return outcome;
        }
        if (accepted.isEmpty()) {
            // a server that said 354 although it took no recipient: end an empty message, then forget it
            lines.write(".");
            lines.flush();
            lines.read(timeouts.dataEnd());
            reset();
            return outcome;
        }
        MessageWriter.write(mail.message(), lines.data(), true);
        lines.write(".");
        lines.flush();
        return endOfData(accepted, outcome, false);
    }

    /** The replies after the data: one, or with LMTP one per accepted recipient (when there is one). */
    private Map<String, SmtpReply> endOfData(List<String> accepted, Map<String, SmtpReply> outcome, boolean chunk) throws IOException {
        int expected = protocol == Protocol.LMTP && !accepted.isEmpty() ? accepted.size() : 1;
        boolean failed = false;
        for (int i = 0; i < expected; i++) {
            SmtpReply reply = lines.read(timeouts.dataEnd());
            if (reply.code() == 421) {
                usable = false;
                for (String recipient : accepted.subList(i, accepted.size())) {
                    outcome.put(recipient, reply);
                }
                return outcome;
            }
            failed |= reply.code() / 100 != 2;
            if (expected == 1) {
                accepted.forEach(recipient -> outcome.put(recipient, reply));
            } else {
                outcome.put(accepted.get(i), reply);
            }
        }
        if (chunk && failed && expected == 1) {
            reset();
        }
        return outcome;
    }

    /** A callout: MAIL FROM:<> and RCPT TO, then RSET; no message. The RCPT reply, or MAIL's when it failed. */
    Probe probe(String recipient) throws IOException {
        SmtpReply mail = lines.command("MAIL FROM:<>", timeouts.mail());
        answered = true;
        if (mail.code() / 100 != 2) {
            return new Probe(mail, null);
        }
        SmtpReply rcpt = lines.command("RCPT TO:<" + recipient + ">", timeouts.rcpt());
        if (rcpt.code() != 421) {
            reset();
        } else {
            usable = false;
        }
        return new Probe(mail, rcpt);
    }

    /** What a callout learnt: MAIL's reply, and RCPT's ({@code null} when MAIL was refused). */
    record Probe(SmtpReply mail, SmtpReply rcpt) {
    }

    private SmtpReply refusal(MailTransaction mail) {
        int length = mail.message().length;
        if (capabilities.maxSize() > 0 && length > capabilities.maxSize()) {
            return SmtpReply.local(552, "5.3.4", "message size " + length + " exceeds size limit " + capabilities.maxSize()
                + " of server " + target);
        }
        if (!capabilities.offers("SMTPUTF8")) {
            if (!MailTransaction.isAscii(mail.sender())) {
                return SmtpReply.local(553, "5.6.7", "non-ASCII sender address, and " + target + " does not offer SMTPUTF8");
            }
            if (mail.smtpUtf8()) {
                return SmtpReply.local(554, "5.6.9", "the sender asked for SMTPUTF8, and " + target + " does not offer it");
            }
        }
        if (mail.requireTls() && !tls.verified()) {
            return SmtpReply.local(550, "5.7.10", "REQUIRETLS: the TLS session with " + target + " is " + tls.summary());
        }
        if (mail.requireTls() && !capabilities.offers("REQUIRETLS")) {
            return SmtpReply.local(550, "5.7.10", "REQUIRETLS: " + target + " does not offer REQUIRETLS");
        }
        return null;
    }

    private String mailCommand(MailTransaction mail, DsnRequest dsn) {
        StringBuilder command = new StringBuilder(64).append("MAIL FROM:<").append(mail.sender()).append('>');
        if (capabilities.offers("SIZE")) {
            command.append(" SIZE=").append(mail.message().length);
        }
        if (capabilities.offers("8BITMIME") && MessageWriter.eightBit(mail.message())) {
            command.append(" BODY=8BITMIME");
        }
        if (mail.needsSmtpUtf8() && capabilities.offers("SMTPUTF8")) {
            command.append(" SMTPUTF8");
        }
        if (mail.requireTls()) {
            command.append(" REQUIRETLS");
        }
        if (dsn != null) {
            command.append(dsn.mailParameters());
        }
        return command.toString();
    }

    private static String rcpt(String recipient, DsnRequest dsn) {
        return "RCPT TO:<" + recipient + ">" + (dsn == null ? "" : dsn.rcptParameters(recipient));
    }

    private static SmtpReply closing(SmtpReply mail, List<SmtpReply> rcpts) {
        if (mail.code() == 421) {
            return mail;
        }
        return rcpts.stream().filter(reply -> reply.code() == 421).findFirst().orElse(null);
    }

    private void resetAfter(SmtpReply reply) throws IOException {
        if (reply.code() == 421) {
            usable = false;
            return;
        }
        reset();
    }

    private void reset() throws IOException {
        if (lines.command("RSET", timeouts.mail()).code() != 250) {
            usable = false;
        }
    }
}
