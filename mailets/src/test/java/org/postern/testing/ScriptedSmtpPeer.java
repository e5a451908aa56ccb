package org.postern.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real SMTP server on a loopback address that answers RCPT TO per recipient as a test scripts it: a reply line
 * such as {@code "550 5.1.1 No such user"}, or {@link #DROP} to close the connection without a word. Every command
 * it receives is recorded, so a test can count probes and sessions.
 */
public final class ScriptedSmtpPeer implements AutoCloseable {
    public static final String DROP = "DROP";
    private static final Pattern RCPT = Pattern.compile("(?i)RCPT TO:\\s*<([^>]*)>.*");

    private final ServerSocket server;
    private final Map<String, String> rcptReplies = new ConcurrentHashMap<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final AtomicInteger sessions = new AtomicInteger();
    private volatile String defaultRcptReply = "250 2.1.5 OK";

    private ScriptedSmtpPeer(ServerSocket server) {
        this.server = server;
        Thread acceptor = new Thread(this::acceptLoop, "scripted-smtp-peer-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listens on a free port of the given loopback address. */
    public static ScriptedSmtpPeer start(String loopbackAddress) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName(loopbackAddress), 0), 50);
        return new ScriptedSmtpPeer(server);
    }

    public ScriptedSmtpPeer rcpt(String address, String reply) {
        rcptReplies.put(address.toLowerCase(Locale.ROOT), reply);
        return this;
    }

    public ScriptedSmtpPeer defaultRcpt(String reply) {
        defaultRcptReply = reply;
        return this;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    public int port() {
        return server.getLocalPort();
    }

    public int sessions() {
        return sessions.get();
    }

    /** RCPT TO commands received for that address. */
    public long rcptCount(String address) {
        return commands.stream().map(RCPT::matcher).filter(Matcher::matches)
            .filter(m -> m.group(1).equalsIgnoreCase(address)).count();
    }

    public List<String> commands() {
        return List.copyOf(commands);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sessions.incrementAndGet();
                Thread session = new Thread(() -> serve(socket), "scripted-smtp-session");
                session.setDaemon(true);
                session.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(30_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            write(out, "220 peer.test ESMTP scripted");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                commands.add(line);
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line.toUpperCase(Locale.ROOT);
                String reply = switch (verb) {
                    case "EHLO" -> "250-peer.test\r\n250-PIPELINING\r\n250 8BITMIME";
                    case "HELO", "MAIL", "RSET", "NOOP" -> "250 2.0.0 OK";
                    case "RCPT" -> rcptReply(line);
                    case "DATA" -> dataReply(in, out);
                    case "QUIT" -> "221 2.0.0 Bye";
                    default -> "502 5.5.2 Command not recognized";
                };
                if (DROP.equals(reply)) {
                    return;
                }
                write(out, reply);
                if (verb.equals("QUIT")) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away; nothing to answer
        }
    }

    private String rcptReply(String line) {
        Matcher matcher = RCPT.matcher(line);
        if (!matcher.matches()) {
            return "501 5.5.4 Syntax: RCPT TO:<address>";
        }
        return rcptReplies.getOrDefault(matcher.group(1).toLowerCase(Locale.ROOT), defaultRcptReply);
    }

    private static String dataReply(BufferedReader in, OutputStream out) throws IOException {
        write(out, "354 End data with <CR><LF>.<CR><LF>");
        for (String line = in.readLine(); line != null && !line.equals("."); line = in.readLine()) {
            // the message body is not kept
        }
        return "250 2.0.0 Ok: queued as PEER1";
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
