package org.postern.smtp.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of one SMTP connection: command lines out (UTF-8, CRLF, buffered until {@link #flush()}, so that a
 * pipelined group leaves in one write), reply lines in, each read bounded by the timeout of its stage, and the
 * buffered stream for message data. Every write is bounded by the data block timeout ({@link TimedOutputStream}).
 * After STARTTLS, {@link #attach} moves it onto the TLS socket.
 */
final class SmtpLines {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final int MAX_LINE = 4_096;
    private static final int MAX_LINES = 1_000;

    private final Duration writeTimeout;
    private final String peer;
    private final byte[] line = new byte[MAX_LINE];
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    SmtpLines(Socket socket, Duration writeTimeout, String peer) throws IOException {
        this.writeTimeout = writeTimeout;
        this.peer = peer;
        attach(socket);
    }

    void attach(Socket connected) throws IOException {
        socket = connected;
        in = new BufferedInputStream(connected.getInputStream(), 8 * 1024);
        out = new BufferedOutputStream(new TimedOutputStream(connected, connected.getOutputStream(), writeTimeout), 64 * 1024);
    }

    Socket socket() {
        return socket;
    }

    /** The buffered output, for message data (written by {@link MessageWriter}). */
    OutputStream data() {
        return out;
    }

    void write(String command) throws IOException {
        out.write(command.getBytes(StandardCharsets.UTF_8));
        out.write(CRLF);
    }

    void flush() throws IOException {
        out.flush();
    }

    /** Writes, flushes and reads the reply. */
    SmtpReply command(String command, Duration timeout) throws IOException {
        write(command);
        flush();
        return read(timeout);
    }

    SmtpReply read(Duration timeout) throws IOException {
        return SmtpReply.parse(readLines(timeout));
    }

    /** One reply, all its lines (EHLO needs them one by one). */
    List<String> readLines(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        List<String> lines = new ArrayList<>(1);
        while (true) {
            String text = readLine();
            if (text.length() < 3 || !Character.isDigit(text.charAt(0)) || !Character.isDigit(text.charAt(1))
                || !Character.isDigit(text.charAt(2)) || (text.length() > 3 && text.charAt(3) != ' ' && text.charAt(3) != '-')) {
                throw new IOException("malformed reply from " + peer + ": " + text);
            }
            lines.add(text);
            if (text.length() == 3 || text.charAt(3) == ' ') {
                return lines;
            }
            if (lines.size() > MAX_LINES) {
                throw new IOException("reply from " + peer + " longer than " + MAX_LINES + " lines");
            }
        }
    }

    private String readLine() throws IOException {
        int length = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed by " + peer);
            }
            if (b == '\n') {
                int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                return new String(line, 0, end, StandardCharsets.UTF_8);
            }
            if (length == MAX_LINE) {
                throw new IOException("reply line from " + peer + " longer than " + MAX_LINE + " bytes");
            }
            line[length++] = (byte) b;
        }
    }

    /** Best effort: a command whose answer does not matter (QUIT on a failing session). */
    void quietly(String command) {
        try {
            write(command);
            flush();
        } catch (IOException e) {
            // the session is being given up anyway
        }
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
