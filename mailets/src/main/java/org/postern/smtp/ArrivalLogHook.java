package org.postern.smtp;

import java.net.InetSocketAddress;

import javax.inject.Inject;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.Hook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookResultHook;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.james.smtpserver.SMTPConstants;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The maillog's first two lines of a message, as Postfix's smtpd and qmgr write them, once the spool has the message
 * (the James message hook that queues it answered OK):
 * <pre>
 * Mail1733…: client=mail.example.org[192.0.2.7]
 * Mail1733…: from=&lt;alice@example.org&gt;, size=2048, nrcpt=2
 * </pre>
 * {@code client=} is the client's name as the SMTP server already resolved it for the Received header ({@code unknown}
 * when its address has none), with {@code sasl_username=} after AUTH. Delivery adds one {@code to=} line per
 * recipient and attempt; all share the queue id. Also counts the message ({@link SmtpMetrics}). Part of
 * {@link CoreCommands}.
 */
public class ArrivalLogHook implements HookResultHook {
    /** The maillog: Postfix-shaped lines about each message, from arrival to delivery. */
    public static final String MAILLOG = "org.postern.delivery.maillog";
    private static final Logger LOGGER = LoggerFactory.getLogger(MAILLOG);

    private final SmtpMetrics metrics;

    @Inject
    public ArrivalLogHook(SmtpMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public HookResult onHookResult(SMTPSession session, HookResult result, long executionTime, Hook hook) {
        if (!(hook instanceof JamesMessageHook) || result.getResult().getAction() != HookReturnCode.Action.OK) {
            return result;
        }
        metrics.messageSpooled();
        Mail mail = session.getAttachment(SMTPConstants.MAIL, ProtocolSession.State.Transaction).orElse(null);
        if (mail != null && LOGGER.isInfoEnabled()) {
            LOGGER.info("{}: client={}{}", mail.getName(), client(session.getRemoteAddress()),
                session.getUsername() == null ? "" : ", sasl_username=" + session.getUsername().asString());
            LOGGER.info("{}: from=<{}>, size={}, nrcpt={}", mail.getName(), mail.getMaybeSender().asString(""), size(mail),
                mail.getRecipients().size());
        }
        return result;
    }

    /** {@code name[address]}; the name only when the address already has one, never looked up here. */
    static String client(InetSocketAddress remote) {
        String address = remote.getAddress().getHostAddress();
        String name = remote.getHostString();
        return (name == null || name.equals(address) ? "unknown" : name) + "[" + address + "]";
    }

    private static long size(Mail mail) {
        try {
            return mail.getMessageSize();
        } catch (Exception e) {
            return -1;
        }
    }
}
