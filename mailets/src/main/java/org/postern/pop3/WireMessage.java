package org.postern.pop3;

import java.io.ByteArrayInputStream;

import org.apache.james.protocols.api.StreamResponse;
import org.apache.james.protocols.pop3.POP3Response;

/**
 * RETR's {@code +OK} reply with the message exactly as it goes on the wire (dot-stuffed, CRLF-ended, and the final
 * dot line) in one array. Any James transport streams it like James's own {@code POP3StreamResponse}; Postern's POP3
 * server writes it as one buffer ({@code org.postern.server.WholeReplyTransport}), because Netty's chunked writing of
 * a stream cost a fifth of a pipelined RETR (bench/README.md, local delivery and POP3).
 */
public final class WireMessage extends POP3Response implements StreamResponse {
    private static final byte[] DOT_LINE = {'.', '\r', '\n'};
    private static final byte[] LF_DOT_LINE = {'\n', '.', '\r', '\n'};
    private static final byte[] CRLF_DOT_LINE = {'\r', '\n', '.', '\r', '\n'};
    private final byte[] wire;
    private final int length;

    private WireMessage(byte[] wire, int length) {
        super(POP3Response.OK_RESPONSE, "Message follows");
        this.wire = wire;
        this.length = length;
    }

    /**
     * RETR's reply to this message (its bytes as the store holds them): a dot added before every dot that starts a
     * line (a line starts after CRLF, and at the beginning), then CRLF added unless it already ends with CRLF (a lone
     * CR gets its LF; a lone LF gets a CRLF after it, as James does), then the final dot line. Two passes: one finds
     * the dots to double (usually none), the other copies the runs between them whole.
     */
    public static WireMessage of(byte[] content) {
        int n = content.length;
        int dots = n > 0 && content[0] == '.' ? 1 : 0;
        for (int i = 1; i + 1 < n; i++) {
            if (content[i] == '\n' && content[i + 1] == '.' && content[i - 1] == '\r') {
                dots++;
            }
        }
        byte last = n > 0 ? content[n - 1] : 0;
        byte beforeLast = n > 1 ? content[n - 2] : 0;
        byte[] ending = last == '\r' ? LF_DOT_LINE : last == '\n' && beforeLast == '\r' ? DOT_LINE : CRLF_DOT_LINE;
        byte[] out = new byte[n + dots + ending.length];
        int from = 0;
        int length = 0;
        for (int i = 0; dots > 0; i++) {
            if (content[i] == '.' && (i == 0 || i >= 2 && content[i - 1] == '\n' && content[i - 2] == '\r')) {
                System.arraycopy(content, from, out, length, i - from);
                length += i - from;
                out[length++] = '.';
                from = i;
                dots--;
            }
        }
        System.arraycopy(content, from, out, length, n - from);
        length += n - from;
        System.arraycopy(ending, 0, out, length, ending.length);
        return new WireMessage(out, out.length);
    }

    @Override
    public Bytes getStream() {
        return new Bytes(wire, length);
    }

    /** The message's wire bytes as a stream whose array a transport may write without copying. */
    public static final class Bytes extends ByteArrayInputStream {
        Bytes(byte[] wire, int length) {
            super(wire, 0, length);
        }

        /** The bytes not read yet: {@code array()[offset() .. offset() + available()]}. */
        public byte[] array() {
            return buf;
        }

        public int offset() {
            return pos;
        }
    }
}
