package org.postern.pop3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.apache.james.protocols.api.StreamResponse;
import org.apache.james.protocols.pop3.POP3Response;

/**
 * RETR's {@code +OK} reply with the message as it goes on the wire: its bytes as stored, an extra dot before each dot
 * that starts a line, CRLF at the end unless there, and the final dot line. The message is not copied to make it:
 * the reply knows where the extra dots go and hands the wire bytes out as runs ({@link #writeTo}), so Postern's POP3
 * transport copies them once, into the buffer the socket is written from ({@code org.postern.server.WholeReplyTransport};
 * bench/README.md, local delivery and POP3). Any other James transport reads {@link #getStream()}, which makes the
 * bytes on first read.
 */
public final class WireMessage extends POP3Response implements StreamResponse {
    private static final byte[] DOT = {'.'};
    private static final byte[] DOT_LINE = {'.', '\r', '\n'};
    private static final byte[] LF_DOT_LINE = {'\n', '.', '\r', '\n'};
    private static final byte[] CRLF_DOT_LINE = {'\r', '\n', '.', '\r', '\n'};
    private static final int[] NONE = {};
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LFS = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /** Where the wire bytes go, run after run. */
    @FunctionalInterface
    public interface Runs {
        void write(byte[] array, int offset, int length);
    }

    private final byte[] content;
    private final int[] dots;
    private final byte[] ending;

    private WireMessage(byte[] content, int[] dots, byte[] ending) {
        super(POP3Response.OK_RESPONSE, "Message follows");
        this.content = content;
        this.dots = dots;
        this.ending = ending;
    }

    /**
     * RETR's reply to this message (its bytes as the store holds them), as James's {@code RetrCmdHandler} writes it:
     * a dot added before every dot that starts a line (a line starts after CRLF, and at the beginning), then CRLF
     * added unless it already ends with CRLF (a lone CR gets its LF; a lone LF gets a CRLF after it), then the final
     * dot line. Line ends are found eight bytes at a time (a byte-at-a-time loop was an eighth of a RETR).
     */
    public static WireMessage of(byte[] content) {
        int n = content.length;
        int[] dots = n > 0 && content[0] == '.' ? new int[] {0} : NONE;
        int count = dots.length;
        int i = 0;
        for (; i + Long.BYTES <= n; i += Long.BYTES) {
            long word = (long) WORDS.get(content, i) ^ LFS;
            long lineFeeds = (word - ONES) & ~word & HIGHS;  // may also mark a 0x0B after a line feed: checked below
            while (lineFeeds != 0) {
                int at = i + (Long.numberOfTrailingZeros(lineFeeds) >>> 3);
                if (startsDottedLine(content, at)) {
                    dots = add(dots, count++, at + 1);
                }
                lineFeeds &= lineFeeds - 1;
            }
        }
        for (; i < n; i++) {
            if (startsDottedLine(content, i)) {
                dots = add(dots, count++, i + 1);
            }
        }
        byte last = n > 0 ? content[n - 1] : 0;
        byte beforeLast = n > 1 ? content[n - 2] : 0;
        byte[] ending = last == '\r' ? LF_DOT_LINE : last == '\n' && beforeLast == '\r' ? DOT_LINE : CRLF_DOT_LINE;
        return new WireMessage(content, count == dots.length ? dots : Arrays.copyOf(dots, count), ending);
    }

    /** Whether {@code content[at]} is the LF of a CRLF followed by a dot. */
    private static boolean startsDottedLine(byte[] content, int at) {
        return content[at] == '\n' && at > 0 && at + 1 < content.length && content[at - 1] == '\r' && content[at + 1] == '.';
    }

    private static int[] add(int[] dots, int count, int dot) {
        int[] grown = count < dots.length ? dots : Arrays.copyOf(dots, Math.max(4, count * 2));
        grown[count] = dot;
        return grown;
    }

    /** How many bytes {@link #writeTo} hands out. */
    public int length() {
        return content.length + dots.length + ending.length;
    }

    /** Hands out the wire bytes in order: the runs of the message between the added dots, each added dot, the end. */
    public void writeTo(Runs out) {
        int from = 0;
        for (int dot : dots) {
            out.write(content, from, dot - from);
            out.write(DOT, 0, 1);
            from = dot;
        }
        out.write(content, from, content.length - from);
        out.write(ending, 0, ending.length);
    }

    @Override
    public Stream getStream() {
        return new Stream(this);
    }

    /** The wire bytes as a stream, made on first read; a transport that knows this type asks for the message instead. */
    public static final class Stream extends InputStream {
        private final WireMessage message;
        private ByteArrayInputStream bytes;

        Stream(WireMessage message) {
            this.message = message;
        }

        public WireMessage message() {
            return message;
        }

        private ByteArrayInputStream bytes() {
            if (bytes == null) {
                byte[] wire = new byte[message.length()];
                int[] length = {0};
                message.writeTo((array, offset, run) -> {
                    System.arraycopy(array, offset, wire, length[0], run);
                    length[0] += run;
                });
                bytes = new ByteArrayInputStream(wire);
            }
            return bytes;
        }

        @Override
        public int read() {
            return bytes().read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            return bytes().read(buffer, offset, length);
        }

        @Override
        public int available() {
            return bytes().available();
        }

        @Override
        public void close() throws IOException {
            bytes = null;
        }
    }
}
