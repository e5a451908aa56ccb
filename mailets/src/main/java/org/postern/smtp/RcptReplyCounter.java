package org.postern.smtp;

import javax.inject.Inject;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.ProtocolHandlerResultHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.RcptCmdHandler;

/**
 * Counts every reply to RCPT TO ({@link SmtpMetrics}): accepted, or refused with its code and enhanced status,
 * whichever hook refused (acceptance, syntax, recipient limits). Part of {@link CoreCommands}, so every listener
 * counts without a line in {@code smtpserver.xml}. An acceptance is counted without looking at the reply's text.
 */
public class RcptReplyCounter implements ProtocolHandlerResultHandler<Response, SMTPSession> {
    private final SmtpMetrics metrics;

    @Inject
    public RcptReplyCounter(SmtpMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Response onResponse(ProtocolSession session, Response response, long executionTime, ProtocolHandler handler) {
        if (!(handler instanceof RcptCmdHandler) || response == null) {
            return response;
        }
        String code = response.getRetCode();
        if (code != null && code.startsWith("2")) {
            metrics.rcptAccepted();
        } else {
            metrics.rcptRefused(code + " " + enhancedStatus(response));
        }
        return response;
    }

    /** The enhanced status that opens the reply's text ({@code 5.1.1}), or "" when it has none. */
    static String enhancedStatus(Response response) {
        if (response.getLines().isEmpty()) {
            return "";
        }
        String line = response.getLines().get(0).toString();
        String[] words = line.split(" ", 3);
        return words.length > 1 && words[1].matches("[245]\\.\\d{1,3}\\.\\d{1,3}") ? words[1] : "";
    }
}
