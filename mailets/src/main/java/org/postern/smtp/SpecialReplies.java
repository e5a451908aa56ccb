package org.postern.smtp;

import java.util.List;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;

/** Replies a Postern handler gives outside the usual command/reply flow. */
final class SpecialReplies {
    /**
     * What a connect handler answers when it has nothing to say: no line is written. James's JMX handler statistics
     * fail on a connect handler that returns null, so every connect handler must return something.
     */
    static final Response NOTHING = new Response() {
        @Override
        public String getRetCode() {
            return "";
        }

        @Override
        public List<CharSequence> getLines() {
            return List.of();
        }

        @Override
        public boolean isEndSession() {
            return false;
        }
    };

    private SpecialReplies() {
    }

    /** A reply after which James closes the connection (RFC 5321 section 3.8: 421 and the like). */
    static Response closing(String code, String text) {
        SMTPResponse response = new SMTPResponse(code, text);
        response.setEndSession(true);
        return response.immutable();
    }
}
