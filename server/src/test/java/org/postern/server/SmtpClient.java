package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A line-by-line SMTP client for tests: each step states the reply it expects. */
class SmtpClient implements AutoCloseable {
    private final LineDialogue dialogue;
    private final String host;
    private final int port;

    SmtpClient(String host, int port) throws IOException {
        this(host, port, null);
    }

    SmtpClient(String host, int port, String localAddress) throws IOException {
        this.host = host;
        this.port = port;
        this.dialogue = new LineDialogue(host, port, localAddress);
        expect("220");
    }

    /** Sends a command and returns the whole reply (every line). */
    List<String> send(String command) throws IOException {
        dialogue.write(command);
        return dialogue.readReply();
    }

    /** Sends a command and asserts the last reply line starts with the given code (and enhanced code). */
    String sendExpect(String command, String expectedStart) throws IOException {
        List<String> reply = send(command);
        String last = reply.get(reply.size() - 1);
        assertThat(last).as("reply to %s", command).startsWith(expectedStart);
        return last;
    }

    String expect(String expectedStart) throws IOException {
        List<String> reply = dialogue.readReply();
        String last = reply.get(reply.size() - 1);
        assertThat(last).startsWith(expectedStart);
        return last;
    }

    List<String> ehlo() throws IOException {
        List<String> reply = send("EHLO client.test");
        assertThat(reply.get(reply.size() - 1)).startsWith("250 ");
        return reply.stream().map(line -> line.substring(4)).toList();
    }

    /** AUTH PLAIN; asserts the reply starts as expected ("235" or "535 5.7.8"). */
    String authPlain(String user, String password, String expectedStart) throws IOException {
        return sendExpect("AUTH PLAIN " + plainCredentials(user, password), expectedStart);
    }

    /** The SASL PLAIN response (RFC 4616) without an authorization identity, base64: for SMTP and POP3 AUTH. */
    static String plainCredentials(String user, String password) {
        return java.util.Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    void startTls() throws Exception {
        sendExpect("STARTTLS", "220");
        dialogue.startTls(host, port);
    }

    /** Full transaction; the message is given unstuffed, with CRLF line ends; returns the final reply. */
    String sendMail(String from, List<String> recipients, byte[] message) throws IOException {
        sendExpect("MAIL FROM:<" + from + ">", "250");
        for (String recipient : recipients) {
            sendExpect("RCPT TO:<" + recipient + ">", "250");
        }
        sendExpect("DATA", "354");
        dialogue.writeRaw(dotStuff(message));
        dialogue.writeRaw(".\r\n".getBytes(StandardCharsets.US_ASCII));
        List<String> reply = dialogue.readReply();
        return reply.get(reply.size() - 1);
    }

    void writeRaw(byte[] bytes) throws IOException {
        dialogue.writeRaw(bytes);
    }

    List<String> readReply() throws IOException {
        return dialogue.readReply();
    }

    static byte[] dotStuff(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        String stuffed = (text.startsWith(".") ? "." : "") + text.replace("\r\n.", "\r\n..");
        return stuffed.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        try {
            send("QUIT");
        } catch (IOException e) {
            // the server may already have closed
        }
        dialogue.close();
    }
}
