package org.postern.acceptance;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;

import org.apache.james.core.MailAddress;
import org.postern.smtp.client.Protocol;
import org.postern.smtp.client.SessionFailure;
import org.postern.smtp.client.SessionOptions;
import org.postern.smtp.client.SmtpReply;
import org.postern.smtp.client.SmtpSession;
import org.postern.smtp.client.SmtpTimeouts;
import org.postern.smtp.client.Target;
import org.postern.smtp.client.TlsPolicy;

/**
 * One callout: asks the next hop's hosts, in order, whether they would take a recipient, with the dialogue of
 * Postfix's address verification over Postern's SMTP client ({@link SmtpSession}, STARTTLS when offered): EHLO
 * (HELO if refused; LHLO towards an LMTP next hop), {@code MAIL FROM:<>}, {@code RCPT TO}, RSET, QUIT. No message
 * is sent. A host that cannot be reached, or answers the greeting, EHLO or MAIL with an error, is skipped for the
 * next one; the first host that answers RCPT decides.
 */
public class SmtpProbe {
    private final String heloName;
    private final Duration timeout;

    public SmtpProbe(String heloName, Duration timeout) {
        this.heloName = heloName;
        this.timeout = timeout;
    }

    public CalloutAnswer probe(List<Target> hosts, Protocol protocol, MailAddress recipient) {
        SessionOptions options = new SessionOptions(heloName, protocol, TlsPolicy.may(), java.util.Optional.empty(),
            java.util.Optional.empty(), SmtpTimeouts.all(timeout));
        CalloutAnswer.TryLater last = new CalloutAnswer.TryLater("4.4.0", "no host to ask");
        for (Target host : hosts) {
            try (SmtpSession session = SmtpSession.open(host, options)) {
                SmtpReply rcpt = session.probe(recipient.asString());
                String said = host.key() + " said: " + rcpt;
                if (rcpt.code() / 100 == 2) {
                    return new CalloutAnswer.Exists(host.key(), rcpt.toString());
                }
                if (rcpt.permanentFailure()) {
                    return new CalloutAnswer.Unknown(host.key(), said);
                }
                return new CalloutAnswer.TryLater("4.1.1", said);
            } catch (SessionFailure e) {
                String status = e.reply().enhanced().startsWith("4.4.") ? e.reply().enhanced() : "4.4.0";
                last = new CalloutAnswer.TryLater(status, host.key() + " refused: " + e.reply());
            } catch (SocketTimeoutException e) {
                last = new CalloutAnswer.TryLater("4.4.1", host.key() + ": timed out");
            } catch (IOException e) {
                last = new CalloutAnswer.TryLater("4.4.2", host.key() + ": " + e.getMessage());
            }
        }
        return last;
    }
}
