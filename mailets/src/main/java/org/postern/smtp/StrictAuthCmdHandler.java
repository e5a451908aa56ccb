package org.postern.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.AuthCmdHandler;
import org.postern.auth.SaslPlain;
import org.postern.config.HandlerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AUTH (RFC 4954) as Postern answers it; replaces James's {@code AuthCmdHandler}, whose hooks it runs
 * ({@code CredentialsAuthHook}).
 *
 * <ul>
 *   <li>AUTH is taken only where EHLO offers it: before STARTTLS on a listener with {@code <requireSSL>}, AUTH gets
 *       {@code 538 5.7.11} without a credential being read; where it is not offered at all, {@code 503 5.5.1}.</li>
 *   <li>PLAIN and LOGIN responses must be strict base64 ({@code 501 5.5.2} otherwise); {@code *} cancels the exchange
 *       ({@code 501 5.0.0}); a PLAIN authorization identity other than the user is refused like a wrong password.</li>
 *   <li>After {@code maxFailures} failed attempts in one session (wrong credentials or undecodable responses; default
 *       3) the last one is answered {@code 421 4.7.0} and the connection closed, so one connection cannot guess on.</li>
 * </ul>
 * Other mechanisms (OAUTHBEARER, when configured) stay with James.
 *
 * <pre>{@code
 * <handler class="org.postern.smtp.StrictAuthCmdHandler">
 *     <maxFailures>3</maxFailures>
 * </handler>
 * }</pre>
 */
public class StrictAuthCmdHandler extends AuthCmdHandler implements ProtocolHandler {
    private static final Logger LOGGER = LoggerFactory.getLogger(StrictAuthCmdHandler.class);
    static final int DEFAULT_MAX_FAILURES = 3;
    private static final ProtocolSession.AttachmentKey<Integer> FAILURES = ProtocolSession.AttachmentKey.of("postern.authFailures", Integer.class);

    static final Response ENCRYPTION_REQUIRED = new SMTPResponse(SMTPRetCode.AUTH_ENCRYPTION_REQUIRED,
        "5.7.11 Encryption required for requested authentication mechanism").immutable();
    static final Response NOT_OFFERED = new SMTPResponse(SMTPRetCode.BAD_SEQUENCE, "5.5.1 Authentication not enabled").immutable();
    static final Response MALFORMED = new SMTPResponse(SMTPRetCode.SYNTAX_ERROR_ARGUMENTS, "5.5.2 Invalid base64 data").immutable();
    static final Response CANCELLED = new SMTPResponse(SMTPRetCode.SYNTAX_ERROR_ARGUMENTS, "5.0.0 Authentication cancelled").immutable();
    static final Response INVALID_CREDENTIALS = new SMTPResponse(SMTPRetCode.AUTH_FAILED, "5.7.8 Authentication credentials invalid").immutable();
    private static final Response TOO_MANY_FAILURES = SpecialReplies.closing(SMTPRetCode.SERVICE_NOT_AVAILABLE,
        "4.7.0 Too many failed authentication attempts, closing connection");
    private static final Response PLAIN_READY = new SMTPResponse(SMTPRetCode.AUTH_READY, "").immutable();
    private static final Response USERNAME_PROMPT = new SMTPResponse(SMTPRetCode.AUTH_READY, base64("Username:")).immutable();
    private static final Response PASSWORD_PROMPT = new SMTPResponse(SMTPRetCode.AUTH_READY, base64("Password:")).immutable();

    private int maxFailures = DEFAULT_MAX_FAILURES;

    @Override
    public void init(Configuration config) throws ConfigurationException {
        maxFailures = HandlerSettings.of(config, "smtpserver.xml", getClass(), "maxFailures").positive("maxFailures", DEFAULT_MAX_FAILURES);
    }

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        if (session.getUsername() != null) {
            return super.onCommand(session, request);
        }
        if (!session.isAuthAnnounced()) {
            LOGGER.info("AUTH from {} refused: not offered on this connection (TLS {})", clientAddress(session),
                session.isTLSStarted() ? "on" : "off");
            return session.isTLSStarted() ? NOT_OFFERED : ENCRYPTION_REQUIRED;
        }
        String argument = Optional.ofNullable(request.getArgument()).map(String::trim).orElse("");
        int space = argument.indexOf(' ');
        String mechanism = (space < 0 ? argument : argument.substring(0, space)).toUpperCase(Locale.ROOT);
        Optional<String> initialResponse = space < 0 ? Optional.empty() : Optional.of(argument.substring(space + 1).trim());
        if (!session.getConfiguration().isPlainAuthEnabled() || !(mechanism.equals("PLAIN") || mechanism.equals("LOGIN"))) {
            return super.onCommand(session, request);
        }
        if (mechanism.equals("PLAIN")) {
            if (initialResponse.isEmpty()) {
                session.pushLineHandler(continuation(this::plain));
                return PLAIN_READY;
            }
            return plain(session, initialResponse.get());
        }
        if (initialResponse.isEmpty()) {
            session.pushLineHandler(continuation(this::loginUser));
            return USERNAME_PROMPT;
        }
        return loginUser(session, initialResponse.get());
    }

    /** The PLAIN message: [authzid] NUL authcid NUL passwd (RFC 4616). */
    private Response plain(SMTPSession session, String response) {
        Optional<SaslPlain> plain = SaslPlain.parse(response);
        if (plain.isEmpty()) {
            return failed(session, MALFORMED);
        }
        if (plain.get().actsAsSomeoneElse()) {
            LOGGER.info("AUTH PLAIN from {}: authorization identity {} differs from {}: refused", clientAddress(session),
                plain.get().authorizationId(), plain.get().user());
            return failed(session, INVALID_CREDENTIALS);
        }
        return authenticate(session, plain.get().user(), plain.get().password(), "PLAIN");
    }

    private Response loginUser(SMTPSession session, String response) {
        Optional<String> user = SaslPlain.decode(response).filter(name -> !name.isEmpty());
        if (user.isEmpty()) {
            return failed(session, MALFORMED);
        }
        session.pushLineHandler(continuation((s, password) -> loginPassword(s, user.get(), password)));
        return PASSWORD_PROMPT;
    }

    private Response loginPassword(SMTPSession session, String user, String response) {
        Optional<String> password = SaslPlain.decode(response);
        if (password.isEmpty()) {
            return failed(session, MALFORMED);
        }
        return authenticate(session, user, password.get(), "LOGIN");
    }

    private Response authenticate(SMTPSession session, String user, String password, String mechanism) {
        Username username;
        try {
            username = Username.of(user);
        } catch (IllegalArgumentException e) {
            return failed(session, INVALID_CREDENTIALS);
        }
        Response response = doAuthTest(session, username, password, mechanism);
        if (SMTPRetCode.AUTH_FAILED.equals(response.getRetCode())) {
            return failed(session, response);
        }
        return response;
    }

    /** Counts a failed attempt; the one that reaches the limit closes the connection. */
    private Response failed(SMTPSession session, Response response) {
        int failures = session.getAttachment(FAILURES, ProtocolSession.State.Connection).orElse(0) + 1;
        session.setAttachment(FAILURES, failures, ProtocolSession.State.Connection);
        if (failures < maxFailures) {
            return response;
        }
        LOGGER.warn("{} failed AUTH attempts from {}: closing the session (421 4.7.0)", failures, clientAddress(session));
        return TOO_MANY_FAILURES;
    }

    /** One response line of an exchange: {@code *} cancels it, anything else goes to the step (RFC 4954 section 4). */
    private static LineHandler<SMTPSession> continuation(Step step) {
        return (session, line) -> {
            session.popLineHandler();
            String text = new String(line, StandardCharsets.US_ASCII).replaceAll("\r?\n$", "");
            if (text.equals("*")) {
                return CANCELLED;
            }
            return step.next(session, text);
        };
    }

    @FunctionalInterface
    private interface Step {
        Response next(SMTPSession session, String response);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String clientAddress(SMTPSession session) {
        return session.getRemoteAddress().getAddress().getHostAddress();
    }
}
