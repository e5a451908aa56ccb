package org.postern.delivery;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.postern.dsn.DsnRequest;

/**
 * One SMTP client session with one host (RFC 5321): greeting, EHLO (HELO when EHLO is refused), STARTTLS per
 * policy, then any number of transactions. A message larger than the server's SIZE fails at once (552 5.3.4, as
 * Postfix does). A transaction declares SIZE when offered, BODY=8BITMIME for 8-bit
 * content when offered, pipelines MAIL and all RCPTs when PIPELINING is offered (RFC 2920), and sends DATA only
 * when a recipient was accepted. Every read has the RFC 5321 section 4.5.3.2 timeout of its stage, every write the
 * data block timeout ({@link TimedOutputStream}). The message
 * bytes are sent as given, with dot-stuffing and bare LFs made CRLF, nothing else.
 */
public final class SmtpConnection implements AutoCloseable {
    private static final byte[] CRLF = {'\r', '\n'};

    private final Target target;
    private final DeliverySettings.Timeouts timeouts;
    private final long openedAtNanos = System.nanoTime();
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private Set<String> extensions = Set.of();
    private long maxSize;
    private boolean tls;
    private boolean usable = true;
    private int transactions;
    private boolean answered;
    private long idleSinceNanos;

    private SmtpConnection(Target target, DeliverySettings.Timeouts timeouts) {
        this.target = target;
        this.timeouts = timeouts;
    }

    /** Connects, reads the greeting, says EHLO (or HELO), and starts TLS as the policy says. */
    public static SmtpConnection open(Target target, String heloName, TlsPolicy policy, DeliverySettings.Timeouts timeouts)
            throws SessionFailure {
        SmtpConnection connection = new SmtpConnection(target, timeouts);
        try {
            connection.handshake(heloName, policy);
            return connection;
        } catch (SessionFailure e) {
            connection.abort();
            throw e;
        } catch (SocketTimeoutException e) {
            connection.abort();
            throw new SessionFailure(SmtpReply.local(451, "4.4.2", "conversation with " + target + " timed out"), e);
        } catch (IOException e) {
            connection.abort();
            throw new SessionFailure(SmtpReply.local(451, "4.4.1", "connect to " + target + ": " + e.getMessage()), e);
        }
    }

    private void handshake(String heloName, TlsPolicy policy) throws IOException, SessionFailure {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(target.address(), target.port()), millis(timeouts.connect()));
        in = new BufferedInputStream(socket.getInputStream());
        out = new BufferedOutputStream(new TimedOutputStream(socket, socket.getOutputStream(), timeouts.dataBlock()), 64 * 1024);
        SmtpReply greeting = read(timeouts.greeting());
        if (greeting.code() != 220) {
            send("QUIT");
            throw new SessionFailure(greeting, null);
        }
        hello(heloName);
        if (policy != TlsPolicy.NONE && extensions.contains("STARTTLS")) {
            SmtpReply reply = command("STARTTLS", timeouts.mail());
            if (reply.code() != 220) {
                if (policy == TlsPolicy.ENCRYPT) {
                    throw new SessionFailure(reply, null);
                }
            } else {
                startTls(policy);
                hello(heloName);
            }
        } else if (policy == TlsPolicy.ENCRYPT) {
            send("QUIT");
            throw new SessionFailure(SmtpReply.local(451, "4.7.5", target + " does not offer STARTTLS, which the TLS policy requires"), null);
        }
    }

    private void hello(String heloName) throws IOException, SessionFailure {
        List<String> lines = commandLines("EHLO " + heloName, timeouts.greeting());
        SmtpReply ehlo = SmtpReply.parse(lines);
        if (ehlo.code() == 250) {
            Set<String> offered = new HashSet<>();
            for (String line : lines.subList(1, lines.size())) {
                String keyword = line.substring(4).trim();
                String upper = keyword.toUpperCase(Locale.ROOT);
                offered.add(upper.split(" ")[0]);
                if (upper.startsWith("SIZE ")) {
                    try {
                        maxSize = Long.parseLong(upper.substring(5).trim());
                    } catch (NumberFormatException e) {
                        maxSize = 0;
                    }
                }
            }
            extensions = offered;
            return;
        }
        SmtpReply helo = command("HELO " + heloName, timeouts.greeting());
        if (helo.code() != 250) {
            send("QUIT");
            throw new SessionFailure(helo, null);
        }
        extensions = Set.of();
    }

    private void startTls(TlsPolicy policy) throws IOException, SessionFailure {
        try {
            SSLContext context;
            if (policy == TlsPolicy.ENCRYPT) {
                context = SSLContext.getDefault();
            } else {
                context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {new TrustAnything()}, new SecureRandom());
            }
            SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket,
                target.host(), target.port(), true);
            SSLParameters parameters = ssl.getSSLParameters();
            if (policy == TlsPolicy.ENCRYPT) {
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
            if (target.host().matches(".*[A-Za-z].*")) {
                parameters.setServerNames(List.of(new SNIHostName(target.host())));
            }
            ssl.setSSLParameters(parameters);
            ssl.setSoTimeout(millis(timeouts.greeting()));
            ssl.startHandshake();
            socket = ssl;
            in = new BufferedInputStream(ssl.getInputStream());
            out = new BufferedOutputStream(new TimedOutputStream(ssl, ssl.getOutputStream(), timeouts.dataBlock()), 64 * 1024);
            tls = true;
        } catch (java.security.GeneralSecurityException | IOException e) {
            throw new SessionFailure(SmtpReply.local(451, "4.7.5", "TLS with " + target + " failed: " + e.getMessage()), e);
        }
    }

    /**
     * One transaction. The answer maps every recipient to the reply that decides it: its RCPT reply when refused,
     * else the reply to MAIL, DATA or the end of data, whichever was the first failure, or the final 250.
     * Throws {@link IOException} when the connection broke or timed out; the connection is then unusable.
     */
    public Map<String, SmtpReply> send(String sender, List<String> recipients, byte[] message) throws IOException {
        return send(sender, recipients, message, DsnRequest.NONE);
    }

    /**
     * The same, passing the sender's DSN request on when this server announced DSN (RFC 3461 section 4): RET and
     * ENVID on MAIL FROM, NOTIFY and ORCPT on each RCPT TO; to a server without DSN, nothing of it.
     */
    public Map<String, SmtpReply> send(String sender, List<String> recipients, byte[] message, DsnRequest dsn) throws IOException {
        answered = false;
        try {
            return transaction(sender, recipients, message, offersDsn() ? dsn : null);
        } catch (IOException e) {
            usable = false;
            throw e;
        } finally {
            transactions++;
        }
    }

    private Map<String, SmtpReply> transaction(String sender, List<String> recipients, byte[] message, DsnRequest dsn) throws IOException {
        Map<String, SmtpReply> outcome = new LinkedHashMap<>();
        if (maxSize > 0 && message.length > maxSize) {
            SmtpReply tooBig = SmtpReply.local(552, "5.3.4", "message size " + message.length + " exceeds size limit "
                + maxSize + " of server " + target);
            recipients.forEach(recipient -> outcome.put(recipient, tooBig));
            return outcome;
        }
        StringBuilder mail = new StringBuilder("MAIL FROM:<").append(sender).append('>');
        if (extensions.contains("SIZE")) {
            mail.append(" SIZE=").append(message.length);
        }
        if (extensions.contains("8BITMIME") && eightBit(message)) {
            mail.append(" BODY=8BITMIME");
        }
        if (dsn != null) {
            mail.append(dsn.mailParameters());
        }
        SmtpReply mailReply;
        List<SmtpReply> rcptReplies = new ArrayList<>();
        if (extensions.contains("PIPELINING")) {
            write(mail.toString());
            for (String recipient : recipients) {
                write(rcpt(recipient, dsn));
            }
            out.flush();
            mailReply = read(timeouts.mail());
            answered = true;
            for (int i = 0; i < recipients.size(); i++) {
                rcptReplies.add(read(timeouts.rcpt()));
            }
        } else {
            mailReply = command(mail.toString(), timeouts.mail());
            answered = true;
            if (mailReply.code() == 250) {
                for (String recipient : recipients) {
                    rcptReplies.add(command(rcpt(recipient, dsn), timeouts.rcpt()));
                }
            }
        }
        if (mailReply.code() != 250) {
            recipients.forEach(recipient -> outcome.put(recipient, mailReply));
            resetAfter(mailReply);
            return outcome;
        }
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            SmtpReply reply = rcptReplies.get(i);
            if (reply.code() == 250 || reply.code() == 251) {
                accepted.add(recipients.get(i));
            } else {
                outcome.put(recipients.get(i), reply);
                if (reply.code() == 421) {
                    usable = false;
                }
            }
        }
        if (accepted.isEmpty() || !usable) {
            resetAfter(SmtpReply.local(250, "2.0.0", "no recipient accepted"));
            return outcome;
        }
        SmtpReply data = command("DATA", timeouts.data());
        if (data.code() != 354) {
            accepted.forEach(recipient -> outcome.put(recipient, data));
            resetAfter(data);
            return outcome;
        }
        socket.setSoTimeout(millis(timeouts.dataBlock()));
        writeDotStuffed(message);
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        SmtpReply end = read(timeouts.dataEnd());
        accepted.forEach(recipient -> outcome.put(recipient, end));
        if (end.code() == 421) {
            usable = false;
        }
        return outcome;
    }

    private static String rcpt(String recipient, DsnRequest dsn) {
        return "RCPT TO:<" + recipient + ">" + (dsn == null ? "" : dsn.rcptParameters(recipient));
    }

    private void resetAfter(SmtpReply reply) throws IOException {
        if (reply.code() == 421) {
            usable = false;
            return;
        }
        SmtpReply reset = command("RSET", timeouts.mail());
        if (reset.code() != 250) {
            usable = false;
        }
    }

    /**
     * The message as SMTP data whatever the stored bytes hold (no smuggling through Postern): every line ending, CRLF,
     * bare LF or bare CR, goes out as CRLF; NUL bytes are dropped (RFC 5322 forbids them, and a next hop that drops
     * them itself could otherwise see a lone dot); a line starting with a dot gets another. Runs between those points
     * are written as slices, not byte by byte.
     */
    private void writeDotStuffed(byte[] message) throws IOException {
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
                if (b == '.') {
                    out.write(message, start, i - start);
                    out.write('.');
                    start = i;
                }
            }
        }
        out.write(message, start, message.length - start);
        if (!lineStart) {
            out.write(CRLF);
        }
    }

    private static boolean eightBit(byte[] message) {
        for (byte b : message) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether the session can carry another transaction (a completed transaction leaves it ready, no RSET needed). */
    public boolean usable() {
        return usable && socket != null && !socket.isClosed();
    }

    /** Whether the server answered anything in the last transaction (false: it was gone before MAIL). */
    public boolean answeredLastTransaction() {
        return answered;
    }

    public Target target() {
        return target;
    }

    public boolean tls() {
        return tls;
    }

    /** Whether the server announced DSN in its EHLO reply (RFC 3461). */
    public boolean offersDsn() {
        return extensions.contains("DSN");
    }

    public int transactions() {
        return transactions;
    }

    public long maxSize() {
        return maxSize;
    }

    public Duration age() {
        return Duration.ofNanos(System.nanoTime() - openedAtNanos);
    }

    void markIdle() {
        idleSinceNanos = System.nanoTime();
    }

    Duration idle() {
        return Duration.ofNanos(System.nanoTime() - idleSinceNanos);
    }

    /** QUIT, briefly waiting for the answer, then close. */
    @Override
    public void close() {
        if (usable()) {
            try {
                socket.setSoTimeout(1_000);
                command("QUIT", Duration.ofSeconds(1));
            } catch (IOException e) {
                // closing anyway
            }
        }
        abort();
    }

    private void abort() {
        usable = false;
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing left to do
            }
        }
    }

    private SmtpReply command(String line, Duration timeout) throws IOException {
        return SmtpReply.parse(commandLines(line, timeout));
    }

    private List<String> commandLines(String line, Duration timeout) throws IOException {
        write(line);
        out.flush();
        return readLines(timeout);
    }

    private void send(String line) {
        try {
            write(line);
            out.flush();
        } catch (IOException e) {
            // best effort
        }
    }

    private void write(String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.write(CRLF);
    }

    private SmtpReply read(Duration timeout) throws IOException {
        return SmtpReply.parse(readLines(timeout));
    }

    private List<String> readLines(Duration timeout) throws IOException {
        socket.setSoTimeout(millis(timeout));
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine();
            if (line.length() < 3 || !Character.isDigit(line.charAt(0))) {
                throw new IOException("malformed reply from " + target + ": " + line);
            }
            lines.add(line);
            if (line.length() == 3 || line.charAt(3) != '-') {
                return lines;
            }
            if (lines.size() > 1_000) {
                throw new IOException("reply from " + target + " too long");
            }
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed by " + target);
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            if (line.size() > 4_096) {
                throw new IOException("reply line from " + target + " too long");
            }
            line.write(b);
        }
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }

    /** The "may" level: encryption against passive eavesdropping, without authentication (as Postfix does). */
    private static final class TrustAnything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
