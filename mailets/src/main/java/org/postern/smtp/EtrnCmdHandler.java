package org.postern.smtp;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.inject.Inject;

import org.apache.james.core.Domain;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.EhloExtension;
import org.postern.acceptance.RecipientAcceptance;
import org.postern.queue.QueueControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ETRN (RFC 1985): a backup-MX site asks Postern to deliver now the mail deferred for one of its domains.
 * {@code ETRN example.com} flushes that relay domain, {@code ETRN @example.com} its subdomains too. Only
 * relay-authorized clients (authenticated, or in a trusted network) may ask; others get {@code 554 5.7.1}. Replies:
 * {@code 250} queuing started (with the number of messages), {@code 251} no messages waiting, {@code 458} the queue
 * cannot be flushed now, {@code 459} not a relay domain (or a {@code #queue} name, not supported), {@code 501}
 * syntax; {@code 503} inside a mail transaction. EHLO announces ETRN.
 *
 * <pre>{@code
 * <handler class="org.postern.smtp.EtrnCmdHandler"/>
 * }</pre>
 */
public class EtrnCmdHandler implements CommandHandler<SMTPSession>, EhloExtension {
    private static final Logger LOGGER = LoggerFactory.getLogger(EtrnCmdHandler.class);
    private static final Set<String> COMMANDS = Set.of("ETRN");

    private final QueueControl queue;
    private final RecipientAcceptance acceptance;

    @Inject
    public EtrnCmdHandler(QueueControl queue, RecipientAcceptance acceptance) {
        this.queue = queue;
        this.acceptance = acceptance;
    }

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        String argument = request.getArgument() == null ? "" : request.getArgument().trim();
        if (session.getAttachment(SMTPSession.SENDER, ProtocolSession.State.Transaction).isPresent()) {
            return new SMTPResponse("503", "5.5.1 ETRN not allowed during a mail transaction");
        }
        if (!RecipientAcceptanceHook.isRelayAuthorized(session)) {
            LOGGER.info("ETRN {} from {}: refused, client not authorized", argument, clientAddress(session));
            return new SMTPResponse("554", "5.7.1 ETRN not allowed from this client");
        }
        if (argument.isEmpty() || argument.contains(" ")) {
            return new SMTPResponse("501", "5.5.4 Syntax: ETRN domain | ETRN @domain");
        }
        if (argument.startsWith("#")) {
            return new SMTPResponse("459", "4.3.0 Node " + argument + " not allowed: queue names are not supported");
        }
        boolean subdomains = argument.startsWith("@");
        String name = (subdomains ? argument.substring(1) : argument).toLowerCase(Locale.ROOT);
        Domain domain;
        try {
            domain = Domain.of(name);
        } catch (IllegalArgumentException e) {
            return new SMTPResponse("501", "5.5.4 Syntax: '" + argument + "' is not a domain name");
        }
        if (!acceptance.isRelayDomain(domain)) {
            return new SMTPResponse("459", "4.3.0 Node " + argument + " not allowed: not a relay domain here");
        }
        try {
            int flushed = queue.flush(java.util.Optional.of(domain.asString()), subdomains);
            LOGGER.info("ETRN {} from {}: {} deferred message(s) made due", argument, clientAddress(session), flushed);
            return flushed == 0
                ? new SMTPResponse("251", "2.0.0 OK, no messages waiting for node " + argument)
                : new SMTPResponse("250", "2.0.0 OK, queuing for node " + argument + " started (" + flushed + " message(s))");
        } catch (QueueControl.QueueException e) {
            LOGGER.warn("ETRN {} from {}: outbound queue unavailable", argument, clientAddress(session), e);
            return new SMTPResponse("458", "4.3.0 Unable to queue messages for node " + argument);
        }
    }

    private static String clientAddress(SMTPSession session) {
        return session.getRemoteAddress().getAddress().getHostAddress();
    }

    @Override
    public Collection<String> getImplCommands() {
        return COMMANDS;
    }

    @Override
    public List<String> getImplementedEsmtpFeatures(SMTPSession session) {
        return List.of("ETRN");
    }
}
