package org.postern.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SMTP server on a loopback address for tests, over real sockets, scripted per command and argument: a rule
 * answers a command whose argument contains a text with a reply, or drops the connection, or stalls (answers
 * nothing), for a number of times or always; everything else gets a normal answer. Commands are SMTP verbs plus
 * {@code CONNECT} (the greeting) and {@code DOT} (the end of data). Records every connection and every message
 * received (envelope and the data with dot-stuffing removed; with {@code CHUNKING} offered, the BDAT bytes exactly
 * as they came). Serves each connection in its own thread; replies in order, so clients may pipeline. Can require
 * AUTH (PLAIN, LOGIN) after STARTTLS ({@link #auth}), and speak LMTP ({@link #lmtp}: LHLO, one reply per recipient
 * after the data, scripted with {@code on("DOT", recipient, reply)}). Like James's MockSMTPServer, but on sockets
 * bound to one 127.x address.
 */
public final class ScriptedSmtpPeer implements AutoCloseable {
    public static final String DROP = "<drop>";
    public static final String STALL = "<stall>";
    /** For DATA: answers 354, then stops reading (the client's writes block once the socket buffers are full). */
    public static final String STALL_READING = "<354 then stop reading>";
    /** For STARTTLS: answers 220, then sends no TLS but plain text and hangs up (the client's handshake fails). */
    public static final String TLS_BROKEN = "<220 then no TLS>";

    /** One message as the peer received it. */
    /**
     * One message as received: {@code data} with dot-stuffing removed and CRLF line ends, {@code raw} the bytes on
     * the wire between the 354 and the terminating line, exactly as they came. Like a lax server, the peer ends the
     * data at a lone dot whatever line ending precedes or follows it, so a smuggled message shows up as a second one.
     */
    public record Message(int connection, String mailFrom, List<String> recipients, byte[] data, byte[] raw) {
        public String text() {
            return new String(data, StandardCharsets.ISO_8859_1);
        }
    }

    private record Rule(String command, String argument, String reply, AtomicInteger remaining) {
    }

    private final ServerSocket server;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Message> messages = new CopyOnWriteArrayList<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private volatile String extensions = "PIPELINING\r\n250-SIZE 10240000\r\n250-8BITMIME";
    private volatile boolean running = true;
    private volatile javax.net.ssl.SSLContext tls;
    private volatile long dataEndDelayMillis;
    private final AtomicInteger inTransaction = new AtomicInteger();
    private final AtomicInteger dataRead = new AtomicInteger();
    private final AtomicInteger maxInTransaction = new AtomicInteger();
    private final List<Integer> tlsConnections = new CopyOnWriteArrayList<>();
    private final List<String> remoteAddresses = new CopyOnWriteArrayList<>();
    private final List<String> authenticated = new CopyOnWriteArrayList<>();
    private volatile String authUser;
    private volatile String authPassword;
    private volatile String authMechanisms = "PLAIN LOGIN";
    private volatile boolean lmtp;

    private ScriptedSmtpPeer(ServerSocket server) {
        this.server = server;
        Thread accept = new Thread(this::acceptLoop, "scripted-smtp-" + server.getLocalSocketAddress());
        accept.setDaemon(true);
        accept.start();
    }

    /** On this loopback address and port (0: any free port). */
    public static ScriptedSmtpPeer start(String address, int port) throws IOException {
        InetAddress bind = InetAddress.getByName(address);
        if (!bind.isLoopbackAddress()) {
            throw new IllegalArgumentException("loopback addresses only: " + address);
        }
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(bind, port), 50);
        return new ScriptedSmtpPeer(server);
    }

    /** On port 25 of a free 127.0.25.x address, x from {@code first}: the port MX delivery uses (needs root). */
    public static ScriptedSmtpPeer startOnPort25(int first) throws IOException {
        return startOnPort(25, first);
    }

    /**
     * An MX host for a server whose {@code transport.xml} says {@code <transport mxPort="…">}: on {@code port} of a
     * free 127.0.25.x address, x from {@code first}, so that several MX hosts of one test share the port on distinct
     * addresses. {@code port} 0 takes a free one (start the first host so, the others on its {@link #port()});
     * any port above 1023 needs no root.
     */
    public static ScriptedSmtpPeer startOnPort(int port, int first) throws IOException {
        for (int host = first; host < 255; host++) {
            try {
                return start("127.0.25." + host, port);
            } catch (IOException taken) {
                // next address
            }
        }
        throw new IOException("no 127.0.25.x address with port " + port + " free" + (port < 1024 ? " (binding it needs root)" : ""));
    }

    public String host() {
        return server.getInetAddress().getHostAddress();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Answers {@code command} whose argument contains {@code argument} with {@code reply} (or DROP, STALL), always. */
    public ScriptedSmtpPeer on(String command, String argument, String reply) {
        return on(command, argument, reply, Integer.MAX_VALUE);
    }

    /** The same, {@code times} times only. */
    public ScriptedSmtpPeer on(String command, String argument, String reply, int times) {
        rules.add(new Rule(command.toUpperCase(Locale.ROOT), argument.toLowerCase(Locale.ROOT), reply, new AtomicInteger(times)));
        return this;
    }

    /** The EHLO keywords after the first line, e.g. "PIPELINING" or "" for none. */
    public ScriptedSmtpPeer extensions(String... keywords) {
        this.extensions = String.join("\r\n250-", keywords);
        return this;
    }

    /** Offers STARTTLS with this server context (e.g. from {@link #selfSignedContext}). */
    public ScriptedSmtpPeer tls(javax.net.ssl.SSLContext context) {
        this.tls = context;
        return this;
    }

    /**
     * Requires AUTH with these credentials before MAIL (530 5.7.0 otherwise), offered only once the connection is
     * TLS (538 5.7.11 before); wrong credentials get 535 5.7.8.
     */
    public ScriptedSmtpPeer auth(String user, String password) {
        this.authUser = user;
        this.authPassword = password;
        return this;
    }

    /** The AUTH mechanisms announced, e.g. "LOGIN" (default "PLAIN LOGIN"). */
    public ScriptedSmtpPeer authMechanisms(String mechanisms) {
        this.authMechanisms = mechanisms;
        return this;
    }

    /** Speaks LMTP (RFC 2033): LHLO, and after the data one reply per accepted recipient ({@code on("DOT", recipient, …)}). */
    public ScriptedSmtpPeer lmtp() {
        this.lmtp = true;
        return this;
    }

    /** The client address of every connection, in order. */
    public List<String> remoteAddresses() {
        return List.copyOf(remoteAddresses);
    }

    /** "connection user" for every successful AUTH. */
    public List<String> authentications() {
        return List.copyOf(authenticated);
    }

    /** Waits this long before answering the end of data, so that transactions overlap. */
    public ScriptedSmtpPeer slowDataEnd(Duration delay) {
        this.dataEndDelayMillis = delay.toMillis();
        return this;
    }

    /** How many messages' data the peer has read to the end, whatever it answered (or has not answered yet). */
    public int dataRead() {
        return dataRead.get();
    }

    /** The most transactions (MAIL to end of data) that were in progress at once. */
    public int maxConcurrentTransactions() {
        return maxInTransaction.get();
    }

    /** Connections (by number) that completed STARTTLS. */
    public List<Integer> tlsConnections() {
        return List.copyOf(tlsConnections);
    }

    /** A server TLS context with a fresh self-signed certificate for {@code host} (made by the JDK's keytool). */
    public static javax.net.ssl.SSLContext selfSignedContext(String host, java.nio.file.Path directory) throws Exception {
        java.nio.file.Path keystore = directory.resolve("peer-" + host + ".p12");
        java.nio.file.Files.deleteIfExists(keystore);
        Process keytool = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-alias", "peer", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
            "-dname", "CN=" + host, "-ext", "SAN=dns:" + host, "-storetype", "PKCS12",
            "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
            .redirectErrorStream(true).start();
        if (!keytool.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IOException("keytool failed: " + new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        javax.net.ssl.KeyManagerFactory keys = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    public List<Message> messages() {
        return List.copyOf(messages);
    }

    /** Every command line received, prefixed with its connection's number ("1 EHLO gw.test"). */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    /** How many times {@code command} arrived with an argument containing {@code argument} (case ignored). */
    public long count(String command, String argument) {
        String verb = command.toUpperCase(Locale.ROOT);
        String wanted = argument.toLowerCase(Locale.ROOT);
        return commands.stream()
            .map(line -> line.substring(line.indexOf(' ') + 1))
            .filter(line -> line.toUpperCase(Locale.ROOT).startsWith(verb))
            .filter(line -> line.toLowerCase(Locale.ROOT).substring(verb.length()).contains(wanted))
            .count();
    }

    public int connections() {
        return connections.get();
    }

    /** Waits (bounded) until a message containing {@code text} arrived (its Subject, say); returns the first one. */
    public Message awaitMessage(String text, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            for (Message message : messages) {
                if (message.text().contains(text)) {
                    return message;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no message containing '" + text + "' at " + host() + ":" + port() + " within " + timeout
            + "; commands " + commands);
    }

    /** Waits (bounded) until {@code count} messages arrived; returns them. */
    public List<Message> awaitMessages(int count, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (messages.size() < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        if (messages.size() < count) {
            throw new AssertionError("expected " + count + " messages at " + host() + ":" + port() + " within " + timeout
                + ", got " + messages.size() + "; commands " + commands);
        }
        return messages();
    }

    private void acceptLoop() {
        while (running) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                remoteAddresses.add(socket.getInetAddress().getHostAddress());
                int id = connections.incrementAndGet();
                Thread session = new Thread(() -> serve(socket, id), "scripted-smtp-session-" + id);
                session.setDaemon(true);
                session.start();
            } catch (IOException e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    /** The scripted reply for this command, if a rule applies. */
    private String scripted(String command, String argument) {
        for (Rule rule : rules) {
            if (rule.command().equals(command) && argument.toLowerCase(Locale.ROOT).contains(rule.argument())
                && rule.remaining().getAndDecrement() > 0) {
                return rule.reply();
            }
        }
        return null;
    }

    private void serve(Socket plain, int id) {
        Socket socket = plain;
        try (plain) {
            socket.setSoTimeout(60_000);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            if (!answer(out, scripted("CONNECT", ""), "220 peer.test ESMTP scripted")) {
                return;
            }
            String from = null;
            List<String> recipients = new ArrayList<>();
            boolean loggedIn = false;
            java.io.ByteArrayOutputStream chunks = new java.io.ByteArrayOutputStream();
            for (int lines = 0; lines < 10_000; lines++) {
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                commands.add(id + " " + line);
                String verb = (line.contains(" ") ? line.substring(0, line.indexOf(' ')) : line).toUpperCase(Locale.ROOT);
                String argument = line.contains(" ") ? line.substring(line.indexOf(' ') + 1) : "";
                String reply = scripted(verb, argument);
                switch (verb) {
                    case "EHLO", "LHLO" -> {
                        if (lmtp != verb.equals("LHLO")) {
                            if (!answer(out, reply, "500 5.5.1 " + (lmtp ? "LHLO" : "EHLO") + " expected")) {
                                return;
                            }
                            continue;
                        }
                        boolean secure = socket instanceof javax.net.ssl.SSLSocket;
                        String offered = extensions + (tls != null && !secure ? "\r\n250-STARTTLS" : "")
                            + (authUser != null && secure ? "\r\n250-AUTH " + authMechanisms : "");
                        if (!answer(out, reply, offered.isEmpty() ? "250 peer.test" : "250-peer.test\r\n250-" + offered + "\r\n250 HELP")) {
                            return;
                        }
                    }
                    case "STARTTLS" -> {
                        if (TLS_BROKEN.equals(reply)) {
                            answer(out, null, "220 2.0.0 Ready to start TLS");
                            answer(out, null, "this is not a TLS handshake");
                            return;
                        }
                        if (tls == null || socket instanceof javax.net.ssl.SSLSocket || reply != null) {
                            if (!answer(out, reply, "502 5.5.1 no TLS here")) {
                                return;
                            }
                            continue;
                        }
                        answer(out, null, "220 2.0.0 Ready to start TLS");
                        javax.net.ssl.SSLSocket secure = (javax.net.ssl.SSLSocket) tls.getSocketFactory()
                            .createSocket(socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
                        secure.setUseClientMode(false);
                        try {
                            secure.startHandshake();
                        } catch (IOException handshake) {
                            return;
                        }
                        socket = secure;
                        in = new BufferedInputStream(secure.getInputStream());
                        out = secure.getOutputStream();
                        tlsConnections.add(id);
                        from = null;
                        recipients.clear();
                    }
                    case "AUTH" -> {
                        if (reply == null && authUser != null && !(socket instanceof javax.net.ssl.SSLSocket)) {
                            reply = "538 5.7.11 Encryption required for requested authentication mechanism";
                        }
                        if (reply != null || authUser == null) {
                            if (!answer(out, reply, "502 5.5.2 Error: command not recognized")) {
                                return;
                            }
                            continue;
                        }
                        String[] words = argument.split(" ");
                        String user;
                        String password;
                        if (words[0].equalsIgnoreCase("PLAIN")) {
                            String response = words.length > 1 ? words[1] : null;
                            if (response == null) {
                                answer(out, null, "334 ");
                                response = readLine(in);
                            }
                            String[] parts = new String(java.util.Base64.getDecoder().decode(response.trim()), StandardCharsets.UTF_8).split("\0", -1);
                            user = parts.length == 3 ? parts[1] : "";
                            password = parts.length == 3 ? parts[2] : "";
                        } else if (words[0].equalsIgnoreCase("LOGIN")) {
                            answer(out, null, "334 VXNlcm5hbWU6");
                            user = new String(java.util.Base64.getDecoder().decode(readLine(in).trim()), StandardCharsets.UTF_8);
                            answer(out, null, "334 UGFzc3dvcmQ6");
                            password = new String(java.util.Base64.getDecoder().decode(readLine(in).trim()), StandardCharsets.UTF_8);
                        } else {
                            answer(out, null, "504 5.5.4 Unrecognized authentication type");
                            continue;
                        }
                        loggedIn = authUser.equals(user) && authPassword.equals(password);
                        if (loggedIn) {
                            authenticated.add(id + " " + user);
                        }
                        answer(out, null, loggedIn ? "235 2.7.0 Authentication successful" : "535 5.7.8 Authentication credentials invalid");
                    }
                    case "MAIL" -> {
                        if (reply == null && authUser != null && !loggedIn) {
                            reply = "530 5.7.0 Authentication required";
                        }
                        chunks.reset();
                        from = address(argument);
                        recipients.clear();
                        if (!answer(out, reply, "250 2.1.0 Ok")) {
                            return;
                        }
                        if (reply != null && !reply.startsWith("2")) {
                            from = null;
                        }
                    }
                    case "RCPT" -> {
                        if (reply == null || reply.startsWith("2")) {
                            recipients.add(address(argument));
                        }
                        if (!answer(out, reply, "250 2.1.5 Ok")) {
                            return;
                        }
                    }
                    case "DATA" -> {
                        if (STALL_READING.equals(reply)) {
                            answer(out, null, "354 End data with <CR><LF>.<CR><LF>");
                            answer(out, STALL, null);
                            return;
                        }
                        if (reply == null && (from == null || recipients.isEmpty())) {
                            reply = "554 5.5.1 Error: no valid recipients";
                        }
                        if (!answer(out, reply, "354 End data with <CR><LF>.<CR><LF>")) {
                            return;
                        }
                        if (reply != null && !reply.startsWith("3")) {
                            continue;
                        }
                        ByteArrayOutputStream raw = new ByteArrayOutputStream();
                        byte[] data = readData(in, raw);
                        if (data == null) {
                            return;
                        }
                        if (!endOfData(out, id, from, recipients, data, raw.toByteArray())) {
                            return;
                        }
                        from = null;
                        recipients.clear();
                    }
                    case "BDAT" -> {
                        String[] words = argument.trim().split("\\s+");
                        int size = Integer.parseInt(words[0]);
                        boolean last = words.length > 1 && words[1].equalsIgnoreCase("LAST");
                        byte[] chunk = in.readNBytes(size);
                        if (chunk.length < size) {
                            return;
                        }
                        chunks.write(chunk);
                        if (reply == null && (from == null || recipients.isEmpty())) {
                            reply = "554 5.5.1 Error: no valid recipients";
                        }
                        if (reply != null || !last) {
                            if (!answer(out, reply, "250 2.0.0 " + size + " octets received")) {
                                return;
                            }
                            if (reply != null) {
                                chunks.reset();
                            }
                            continue;
                        }
                        if (!endOfData(out, id, from, recipients, chunks.toByteArray(), chunks.toByteArray())) {
                            return;
                        }
                        chunks.reset();
                        from = null;
                        recipients.clear();
                    }
                    case "RSET" -> {
                        from = null;
                        recipients.clear();
                        if (!answer(out, reply, "250 2.0.0 Ok")) {
                            return;
                        }
                    }
                    case "QUIT" -> {
                        answer(out, reply, "221 2.0.0 Bye");
                        return;
                    }
                    default -> {
                        if (!answer(out, reply, verb.equals("HELO") || verb.equals("NOOP") ? "250 peer.test" : "502 5.5.2 Error: command not recognized")) {
                            return;
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** The reply after the data (LMTP: one per recipient); records what was taken. False when the connection is to end. */
    /** {@code raw}: the bytes as they came on the wire (dot-stuffed, with the terminator for DATA). */
    private boolean endOfData(OutputStream out, int id, String from, List<String> recipients, byte[] data, byte[] raw) throws IOException {
        dataRead.incrementAndGet();
        int now = inTransaction.incrementAndGet();
        maxInTransaction.accumulateAndGet(now, Math::max);
        try {
            Thread.sleep(dataEndDelayMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inTransaction.decrementAndGet();
        }
        if (!lmtp) {
            String end = scripted("DOT", "");
            if (end == null || end.startsWith("2")) {
                messages.add(new Message(id, from, List.copyOf(recipients), data, raw));
            }
            return answer(out, end, "250 2.0.0 Ok: queued as Q" + queued.incrementAndGet());
        }
        List<String> delivered = new ArrayList<>();
        StringBuilder replies = new StringBuilder();
        for (String recipient : recipients) {
            String end = scripted("DOT", recipient);
            if (end == null || end.startsWith("2")) {
                delivered.add(recipient);
            }
            replies.append(replies.length() == 0 ? "" : "\r\n")
                .append(end == null ? "250 2.0.0 <" + recipient + "> Ok: saved as L" + queued.incrementAndGet() : end);
        }
        if (!delivered.isEmpty()) {
            messages.add(new Message(id, from, delivered, data, raw));
        }
        return answer(out, null, replies.toString());
    }

    /** Writes the scripted reply or the default; false when the connection is to be dropped (or stalled, then dropped). */
    private boolean answer(OutputStream out, String scripted, String normal) throws IOException {
        String reply = scripted == null ? normal : scripted;
        if (DROP.equals(reply)) {
            return false;
        }
        if (STALL.equals(reply)) {
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
        out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return !(reply.startsWith("421"));
    }

    private static String address(String argument) {
        int open = argument.indexOf('<');
        int close = argument.indexOf('>', open + 1);
        return open >= 0 && close > open ? argument.substring(open + 1, close) : argument;
    }

    private static String readLine(InputStream in) throws IOException {
        byte[] line = readLineBytes(in);
        return line == null ? null : new String(line, StandardCharsets.UTF_8);
    }

    private static byte[] readLineBytes(InputStream in) throws IOException {
        return readLineBytes(in, null);
    }

    private static byte[] readLineBytes(InputStream in, ByteArrayOutputStream raw) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (raw != null) {
                raw.write(b);
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return java.util.Arrays.copyOf(bytes, length);
            }
            line.write(b);
        }
    }

    /** The data up to the lone dot, dot-stuffing removed, CRLF line ends. */
    private static byte[] readData(InputStream in, ByteArrayOutputStream raw) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        while (true) {
            int before = raw.size();
            byte[] line = readLineBytes(in, raw);
            if (line == null) {
                return null;
            }
            if (line.length == 1 && line[0] == '.') {
                byte[] all = raw.toByteArray();
                raw.reset();
                raw.write(all, 0, before);
                return data.toByteArray();
            }
            int start = line.length > 0 && line[0] == '.' ? 1 : 0;
            data.write(line, start, line.length - start);
            data.write('\r');
            data.write('\n');
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
