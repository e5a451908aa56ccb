package org.postern.pop3;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.inject.Named;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.pop3server.core.PassCmdHandler;
import org.apache.james.pop3server.mailbox.MailboxAdapterFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.pop3.POP3Response;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.CapaCapability;
import org.apache.james.protocols.pop3.mailbox.Mailbox;
import org.postern.auth.SaslPlain;
import org.postern.config.HandlerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POP3 login: USER/PASS (RFC 1939) and AUTH PLAIN (RFC 5034), checked by James's mailbox manager as James's PASS is.
 *
 * <ul>
 *   <li>With {@code requireSSL} (default true), credentials are taken only over TLS (STLS, or port 995): before
 *       that USER, PASS and AUTH get {@code -ERR [AUTH]} without a credential being read, and CAPA lists neither USER
 *       nor SASL. Dev mode sets it to false (loopback only).</li>
 *   <li>AUTH PLAIN with or without an initial response ({@code +} then the response); {@code *} cancels; a response
 *       that is not strict base64 or not a PLAIN message gets {@code -ERR}; an authorization identity other than the
 *       user is refused.</li>
 *   <li>CAPA: USER, {@code SASL PLAIN} (where they are taken) and AUTH-RESP-CODE: wrong credentials get
 *       {@code -ERR [AUTH]}, a mailbox that cannot be opened {@code -ERR [SYS/TEMP]} (RFC 3206).</li>
 *   <li>One session per mailbox (RFC 1939's exclusive-access lock, {@link MaildropLocks}): taken at login, before
 *       the session's listing is made, and given back at QUIT once the deletions are done (or when the connection
 *       drops); a login while another session
 *       (on this node or another one sharing the database) holds it gets {@code -ERR [IN-USE]} (RFC 2449).</li>
 * </ul>
 *
 * <pre>{@code
 * <handlerchain coreHandlersPackage="org.postern.pop3.CoreCommands">
 *     <handler class="org.postern.pop3.Pop3Authentication">
 *         <requireSSL>true</requireSSL>
 *     </handler>
 * </handlerchain>
 * }</pre>
 */
public class Pop3Authentication extends PassCmdHandler implements CapaCapability, DisconnectHandler<POP3Session> {
    private static final Logger LOGGER = LoggerFactory.getLogger(Pop3Authentication.class);
    private static final Set<String> COMMANDS = Set.of("USER", "PASS", "AUTH");

    static final Response TLS_REQUIRED = error("[AUTH] Plaintext authentication disallowed without TLS, use STLS first");
    static final Response WRONG_CREDENTIALS = error("[AUTH] Authentication failed");
    static final Response MAILBOX_UNAVAILABLE = error("[SYS/TEMP] Unable to open the mailbox, try again later");
    static final Response MALFORMED = error("Invalid AUTH PLAIN response");
    static final Response CANCELLED = error("Authentication cancelled");
    static final Response UNSUPPORTED_MECHANISM = error("Unsupported authentication mechanism, use PLAIN");
    static final Response BAD_SEQUENCE = error("Not allowed now");
    static final Response IN_USE = error("[IN-USE] Mailbox in use by another session, try again later");
    private static final ProtocolSession.AttachmentKey<String> LOCKED = ProtocolSession.AttachmentKey.of("POSTERN_POP3_LOCKED", String.class);
    private static final ProtocolSession.AttachmentKey<Boolean> REFUSED_IN_USE =
        ProtocolSession.AttachmentKey.of("POSTERN_POP3_IN_USE", Boolean.class);
    private static final Response CONTINUE = new POP3Response("+", "").immutable();

    private final MaildropLocks locks;
    private boolean requireSSL = true;

    @Inject
    public Pop3Authentication(@Named("mailboxmanager") MailboxManager manager, MailboxAdapterFactory mailboxAdapterFactory,
                              MetricFactory metricFactory, MaildropLocks locks) {
        super(manager, mailboxAdapterFactory, metricFactory);
        this.locks = locks;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        requireSSL = HandlerSettings.of(config, "pop3server.xml", getClass(), "requireSSL").flag("requireSSL", true);
    }

    @Override
    public Response onCommand(POP3Session session, Request request) {
        if (!credentialsAccepted(session)) {
            LOGGER.info("POP3 {} from {} refused: no TLS", request.getCommand(), session.getRemoteAddress().getAddress().getHostAddress());
            return TLS_REQUIRED;
        }
        return switch (request.getCommand().toUpperCase(Locale.ROOT)) {
            case "USER" -> user(session, request.getArgument());
            case "PASS" -> outcome(session, super.onCommand(session, request));
            default -> auth(session, Optional.ofNullable(request.getArgument()).map(String::trim).orElse(""));
        };
    }

    private boolean credentialsAccepted(POP3Session session) {
        return !requireSSL || session.isTLSStarted();
    }

    private Response user(POP3Session session, String argument) {
        if (session.getHandlerState() != POP3Session.AUTHENTICATION_READY || argument == null || argument.isBlank()) {
            return BAD_SEQUENCE;
        }
        try {
            session.setUsername(Username.of(argument.trim()));
        } catch (IllegalArgumentException e) {
            return WRONG_CREDENTIALS;
        }
        session.setHandlerState(POP3Session.AUTHENTICATION_USERSET);
        return POP3Response.OK;
    }

    private Response auth(POP3Session session, String argument) {
        if (session.getHandlerState() != POP3Session.AUTHENTICATION_READY) {
            return BAD_SEQUENCE;
        }
        int space = argument.indexOf(' ');
        String mechanism = space < 0 ? argument : argument.substring(0, space);
        if (!mechanism.equalsIgnoreCase("PLAIN")) {
            return UNSUPPORTED_MECHANISM;
        }
        if (space < 0) {
            session.pushLineHandler(new LineHandler<POP3Session>() {
                @Override
                public Response onLine(POP3Session s, byte[] line) {
                    s.popLineHandler();
                    String response = new String(line, StandardCharsets.US_ASCII).replaceAll("\r?\n$", "");
                    return response.equals("*") ? CANCELLED : plain(s, response);
                }
            });
            return CONTINUE;
        }
        return plain(session, argument.substring(space + 1).trim());
    }

    private Response plain(POP3Session session, String response) {
        Optional<SaslPlain> plain = SaslPlain.parse(response);
        if (plain.isEmpty()) {
            return MALFORMED;
        }
        if (plain.get().actsAsSomeoneElse()) {
            return WRONG_CREDENTIALS;
        }
        Username user;
        try {
            user = Username.of(plain.get().user());
        } catch (IllegalArgumentException e) {
            return WRONG_CREDENTIALS;
        }
        session.setUsername(user);
        return outcome(session, doAuth(session, user, plain.get().password()));
    }

    /** The credentials were right (James opened the mailbox): the session gets the mailbox only with its lock. */
    @Override
    protected Mailbox auth(POP3Session session, Username username, String password) throws Exception {
        Mailbox mailbox = super.auth(session, username, password);
        if (mailbox == null) {
            return null;
        }
        String key = username.asString().toLowerCase(Locale.ROOT);
        boolean locked;
        try {
            locked = locks.acquire(key, session.getSessionID());
        } catch (MaildropLocks.LockUnavailableException e) {
            mailbox.close();
            throw new java.io.IOException(e.getMessage(), e);
        }
        if (!locked) {
            mailbox.close();
            LOGGER.info("POP3 login of {} from {} refused: mailbox in use by another session", key,
                session.getRemoteAddress().getAddress().getHostAddress());
            session.setAttachment(REFUSED_IN_USE, Boolean.TRUE, ProtocolSession.State.Connection);
            return null;
        }
        session.setAttachment(LOCKED, key, ProtocolSession.State.Connection);
        return new LockedMailbox(mailbox, () -> release(session));
    }

    @Override
    public void onDisconnect(POP3Session session) {
        release(session);
    }

    private void release(POP3Session session) {
        session.removeAttachment(LOCKED, ProtocolSession.State.Connection).ifPresent(key -> locks.release(key, session.getSessionID()));
    }

    /** James's answers to a login, with the response codes CAPA promises (AUTH-RESP-CODE). */
    private static Response outcome(POP3Session session, Response response) {
        if (session.removeAttachment(REFUSED_IN_USE, ProtocolSession.State.Connection).isPresent()) {
            return IN_USE;
        }
        if (POP3Response.OK_RESPONSE.equals(response.getRetCode())) {
            return response;
        }
        if (response == AUTH_FAILED) {
            return WRONG_CREDENTIALS;
        }
        return MAILBOX_UNAVAILABLE;
    }

    @Override
    public Set<String> getImplementedCapabilities(POP3Session session) {
        return credentialsAccepted(session) ? Set.of("USER", "SASL PLAIN", "AUTH-RESP-CODE") : Set.of("AUTH-RESP-CODE");
    }

    @Override
    public Collection<String> getImplCommands() {
        return COMMANDS;
    }

    private static Response error(String text) {
        return new POP3Response(POP3Response.ERR_RESPONSE, text).immutable();
    }
}
