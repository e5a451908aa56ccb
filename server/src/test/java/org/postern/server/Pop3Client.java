package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A line-by-line POP3 client for tests (RFC 1939), returning multi-line answers un-dot-stuffed. */
class Pop3Client implements AutoCloseable {
    private final LineDialogue dialogue;
    private final String host;
    private final int port;

    Pop3Client(String host, int port) throws IOException {
        this(host, port, null);
    }

    /** From a chosen local address (127.0.0.x other than 127.0.0.1 stands for a remote client). */
    Pop3Client(String host, int port, String localAddress) throws IOException {
        this.host = host;
        this.port = port;
        dialogue = new LineDialogue(host, port, localAddress);
        assertThat(dialogue.readLine()).startsWith("+OK");
    }

    /** STLS, then USER and PASS, as a client must on port 110 (credentials are taken only over TLS). */
    static Pop3Client login(String host, int port, String user, String password) throws IOException {
        Pop3Client client = new Pop3Client(host, port);
        client.startTls();
        client.ok("USER " + user);
        client.ok("PASS " + password);
        return client;
    }

    /** Waits (bounded) until the mailbox holds a message containing {@code text}, and returns it (read as UTF-8). */
    static String awaitMessageContaining(String host, int port, String user, String password, String text, java.time.Duration timeout) {
        String[] found = new String[1];
        org.awaitility.Awaitility.await().atMost(timeout).pollInterval(java.time.Duration.ofMillis(250)).until(() -> {
            try (Pop3Client pop3 = login(host, port, user, password)) {
                for (int i = 1; i <= pop3.count() && found[0] == null; i++) {
                    String message = new String(pop3.message("RETR " + i), java.nio.charset.StandardCharsets.UTF_8);
                    found[0] = message.contains(text) ? message : null;
                }
                return found[0] != null;
            }
        });
        return found[0];
    }

    String ok(String command) throws IOException {
        dialogue.write(command);
        String line = dialogue.readLine();
        assertThat(line).as("reply to %s", command).startsWith("+OK");
        return line;
    }

    void startTls() throws IOException {
        ok("STLS");
        try {
            dialogue.startTls(host, port);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    String command(String command) throws IOException {
        dialogue.write(command);
        return dialogue.readLine();
    }

    /** STAT: the message count. */
    int count() throws IOException {
        return Integer.parseInt(ok("STAT").split(" ")[1]);
    }

    List<String> listing(String command) throws IOException {
        ok(command);
        List<String> lines = new ArrayList<>();
        for (String line = dialogue.readLine(); !line.equals("."); line = dialogue.readLine()) {
            lines.add(line);
        }
        return lines;
    }

    /** RETR or TOP: the message bytes, CRLF line ends, dot-stuffing removed. */
    byte[] message(String command) throws IOException {
        ok(command);
        return messageLines();
    }

    /** RETRs or TOPs sent in one write, as a pipelining client (RFC 2449) sends them: their messages, in order. */
    List<byte[]> pipelined(List<String> commands) throws IOException {
        dialogue.write(String.join("\r\n", commands));
        List<byte[]> messages = new ArrayList<>();
        for (String command : commands) {
            assertThat(dialogue.readLine()).as("reply to %s", command).startsWith("+OK");
            messages.add(messageLines());
        }
        return messages;
    }

    private byte[] messageLines() throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        while (true) {
            byte[] line = dialogue.readLineBytes();
            if (line.length == 1 && line[0] == '.') {
                return message.toByteArray();
            }
            int start = line.length > 0 && line[0] == '.' ? 1 : 0;
            message.write(line, start, line.length - start);
            message.write('\r');
            message.write('\n');
        }
    }

    /** Hangs up without QUIT, as a client that crashed. */
    void drop() throws IOException {
        dialogue.close();
    }

    @Override
    public void close() throws IOException {
        try {
            dialogue.write("QUIT");
            dialogue.readLine();
        } catch (IOException e) {
            // already closed
        }
        dialogue.close();
    }
}
