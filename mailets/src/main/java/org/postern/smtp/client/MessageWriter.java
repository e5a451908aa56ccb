package org.postern.smtp.client;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Message bytes as they go on the wire, whatever line endings the stored copy has: every CRLF, bare CR and bare LF
 * leaves as CRLF, a last line without an ending gets one, NUL bytes are dropped (RFC 5322 forbids them, and a next
 * hop that drops them itself could otherwise see a lone dot: no smuggling through Postern), and for DATA a line
 * starting with a dot gets a second one (RFC 5321 section 4.5.2). BDAT sends the same bytes without dot-stuffing; {@link #wireLength} is their
 * count. Runs between line endings are written as slices of the message, without copying it.
 */
final class MessageWriter {
    private static final byte[] CRLF = {'\r', '\n'};

    private MessageWriter() {
    }

    static void write(byte[] message, OutputStream out, boolean dotStuffing) throws IOException {
        int start = 0;
        boolean lineStart = true;
        for (int i = 0; i < message.length; i++) {
            byte b = message[i];
            if (b == 0) {
                out.write(message, start, i - start);
                start = i + 1;
            } else if (b == '\r' || b == '\n') {
                out.write(message, start, i - start);
                out.write(CRLF);
                if (b == '\r' && i + 1 < message.length && message[i + 1] == '\n') {
                    i++;
                }
                start = i + 1;
                lineStart = true;
            } else if (lineStart) {
                lineStart = false;
                if (dotStuffing && b == '.') {
                    out.write('.');
                }
            }
        }
        out.write(message, start, message.length - start);
        if (!lineStart) {
            out.write(CRLF);
        }
    }

    /** How many bytes {@link #write} sends without dot-stuffing. */
    static long wireLength(byte[] message) {
        long length = 0;
        for (int i = 0; i < message.length; i++) {
            byte b = message[i];
            if (b == 0) {
                continue;
            }
            if (b == '\r' || b == '\n') {
                length += 2;
                if (b == '\r' && i + 1 < message.length && message[i + 1] == '\n') {
                    i++;
                }
            } else {
                length++;
            }
        }
        int end = message.length - 1;
        while (end >= 0 && message[end] == 0) {
            end--;
        }
        byte last = end < 0 ? (byte) '\n' : message[end];
        return last == '\r' || last == '\n' ? length : length + 2;
    }

    static boolean eightBit(byte[] message) {
        for (byte b : message) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }
}
