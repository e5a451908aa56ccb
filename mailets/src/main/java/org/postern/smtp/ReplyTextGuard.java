package org.postern.smtp;

import java.util.List;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.ProtocolHandlerResultHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * No control characters in reply text: James echoes some client input into its replies (an unknown command comes
 * back as {@code 500 5.5.1 Command … unrecognized}), so a bare CR or a NUL sent by the client would reach the
 * client's reply parser inside a line (found by {@code SmtpFuzzTest}). Every such character becomes {@code ?}; a
 * reply without one is passed on untouched.
 *
 * <pre>{@code
 * <handler class="org.postern.smtp.ReplyTextGuard"/>
 * }</pre>
 */
public class ReplyTextGuard implements ProtocolHandlerResultHandler<Response, SMTPSession> {
    @Override
    public Response onResponse(ProtocolSession session, Response response, long executionTime, ProtocolHandler handler) {
        if (response == null || response.getLines().stream().noneMatch(ReplyTextGuard::hasControlCharacter)) {
            return response;
        }
        List<CharSequence> lines = response.getLines();
        String code = response.getRetCode();
        SMTPResponse clean = new SMTPResponse(code, text(lines.get(0), code));
        for (CharSequence line : lines.subList(1, lines.size())) {
            clean.appendLine(text(line, code));
        }
        clean.setEndSession(response.isEndSession());
        return clean;
    }

    /** A line's text without "NNN " or "NNN-" in front, control characters replaced. */
    private static String text(CharSequence line, String code) {
        String text = line.toString();
        if (text.length() > code.length() && text.startsWith(code)) {
            text = text.substring(code.length() + 1);
        }
        return text.replaceAll("[\\x00-\\x1f\\x7f]", "?");
    }

    private static boolean hasControlCharacter(CharSequence line) {
        return line.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }
}
