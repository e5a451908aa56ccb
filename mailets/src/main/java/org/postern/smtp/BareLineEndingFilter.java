package org.postern.smtp;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataLineFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No SMTP smuggling through Postern: message data may end its lines only with CRLF (RFC 5321 section 2.3.8). At the
 * first line that holds a bare CR, ends with a bare LF, or holds a NUL, the message is refused with
 * {@code 550 5.6.0} and the connection closed, like Postfix's {@code smtpd_forbid_bare_newline = reject}: nothing
 * of the message is queued, and nothing the client sent after it is read as a command, so an end-of-data
 * lookalike ({@code <LF>.<LF>}, {@code <CR>.<CR>}, …) can neither end the message early here nor reach a next hop or
 * a mailbox where another parser might. Put it first among the data line filters, that is in the handler chain
 * (James's own filters come after the listed handlers).
 *
 * <pre>{@code
 * <handler class="org.postern.smtp.BareLineEndingFilter"/>
 * }</pre>
 */
public class BareLineEndingFilter implements DataLineFilter {
    private static final Logger LOGGER = LoggerFactory.getLogger(BareLineEndingFilter.class);
    static final Response REFUSED = SpecialReplies.closing("550",
        "5.6.0 Message refused: bare <CR> or <LF>, or NUL, in the message data (RFC 5321 2.3.8); closing connection");

    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        if (hasBareLineEndingOrNul(line)) {
            LOGGER.warn("Message from {} refused: bare CR, bare LF or NUL in the message data (550 5.6.0)",
                session.getRemoteAddress().getAddress().getHostAddress());
            return REFUSED;
        }
        return next.onLine(session, line);
    }

    /** A line as James frames it: up to and including an LF, which must be the LF of its only CRLF. */
    static boolean hasBareLineEndingOrNul(byte[] line) {
        int end = line.length;
        if (end < 2 || line[end - 1] != '\n' || line[end - 2] != '\r') {
            return true;
        }
        for (int i = 0; i < end - 2; i++) {
            if (line[i] == '\r' || line[i] == '\n' || line[i] == 0) {
                return true;
            }
        }
        return false;
    }
}
