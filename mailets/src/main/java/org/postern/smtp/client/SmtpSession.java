package org.postern.smtp.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLSocket;

/**
 * Postern's one SMTP client session with one host, for delivery and for callouts alike: connect (from the
 * configured source address), greeting, EHLO (HELO when EHLO is refused; LHLO for LMTP), STARTTLS and the
 * certificate as the {@link TlsPolicy} requires, AUTH when the route has credentials (only ever over TLS), then
 * any number of transactions ({@link TransactionDialogue}) or callout probes. Under {@code may}, a failed TLS
 * handshake is followed by a second connection in plaintext, as Postfix does. The pieces: {@link SmtpLines}
 * (bytes and timeouts), {@link Capabilities} (EHLO), {@link StartTls} and the {@link CertificateCheck}s,
 * {@link SmtpAuth}, {@link TransactionDialogue} with {@link MessageWriter}.
 */
public final class SmtpSession implements AutoCloseable {
    private final Target target;
    private final SessionOptions options;
    private final long openedAtNanos = System.nanoTime();
    private Socket socket;
    private SmtpLines lines;
    private Capabilities capabilities = Capabilities.NONE;
    private TlsState tls;
    private boolean usable = true;
    private boolean answered;
    private int transactions;
    private long idleSinceNanos;

    private SmtpSession(Target target, SessionOptions options) {
        this.target = target;
        this.options = options;
    }

    /** A session ready for a transaction, or the reason this host cannot be used now. */
    public static SmtpSession open(Target target, SessionOptions options) throws SessionFailure {
        try {
            return connect(target, options, true, Optional.empty());
        } catch (HandshakeFailed failed) {
            try {
                return connect(target, options, false, Optional.of("TLS handshake failed, retried in plaintext: " + failed.getMessage()));
            } catch (HandshakeFailed impossible) {
                throw new IllegalStateException("no TLS was tried", impossible);
            }
        }
    }

    private static SmtpSession connect(Target target, SessionOptions options, boolean startTls, Optional<String> note)
            throws SessionFailure, HandshakeFailed {
        SmtpSession session = new SmtpSession(target, options);
        try {
            session.handshake(startTls, note);
            return session;
        } catch (SessionFailure | HandshakeFailed e) {
            session.abort();
            throw e;
        } catch (SocketTimeoutException e) {
            session.abort();
            throw new SessionFailure(SmtpReply.local(451, "4.4.2", "conversation with " + target + " timed out"), e);
        } catch (IOException e) {
            session.abort();
            throw new SessionFailure(SmtpReply.local(451, session.lines == null ? "4.4.1" : "4.4.2",
                (session.lines == null ? "connect to " : "conversation with ") + target + ": " + e.getMessage()), e);
        }
    }

    private void handshake(boolean startTls, Optional<String> note) throws IOException, SessionFailure, HandshakeFailed {
        SmtpTimeouts timeouts = options.timeouts();
        socket = new Socket();
        socket.setTcpNoDelay(true);
        if (options.sourceAddress().isPresent()) {
            socket.bind(new InetSocketAddress(options.sourceAddress().get(), 0));
        }
        socket.connect(new InetSocketAddress(target.address(), target.port()), millis(timeouts.connect()));
        SmtpLines connected = new SmtpLines(socket, timeouts.dataBlock(), target.toString());
        lines = connected;
        SmtpReply greeting = lines.read(timeouts.greeting());
        if (greeting.code() != 220) {
            lines.quietly("QUIT");
            throw new SessionFailure(greeting, null);
        }
        hello();
        TlsPolicy policy = options.tls();
        if (startTls && policy.attempt() && capabilities.offers("STARTTLS")) {
            SmtpReply reply = lines.command("STARTTLS", timeouts.greeting());
            if (reply.code() == 220) {
                startTls(policy);
                hello();
            } else if (policy.mandatory()) {
                lines.quietly("QUIT");
                throw new SessionFailure(policy.failure(target + " refused STARTTLS (" + reply + "), which TLS level "
                    + policy.level() + " requires"), null);
            }
        } else if (policy.mandatory()) {
            lines.quietly("QUIT");
            throw new SessionFailure(policy.failure(target + " does not offer STARTTLS, which TLS level " + policy.level() + " requires"
                + (options.credentials().isPresent() ? " (the route has credentials, which are never sent in clear)" : "")), null);
        }
        if (tls == null) {
            tls = TlsState.plaintext(policy.level(), note.or(() -> policy.reportOnly().map(advisory -> "no TLS, reported: " + advisory.describe())));
        }
        if (options.credentials().isPresent()) {
            if (!tls.encrypted()) {
                lines.quietly("QUIT");
                throw new SessionFailure(SmtpReply.local(451, "4.7.0", "the route to " + target
                    + " has credentials, which are only ever sent over TLS, and this session is in plaintext"), null);
            }
            try {
                SmtpAuth.authenticate(lines, capabilities, options.credentials().get(), timeouts.greeting(), target);
            } catch (SessionFailure e) {
                lines.quietly("QUIT");
                throw e;
            }
        }
    }

    private void hello() throws IOException, SessionFailure {
        lines.write(options.protocol().hello() + " " + options.heloName());
        lines.flush();
        List<String> reply = lines.readLines(options.timeouts().greeting());
        SmtpReply ehlo = SmtpReply.parse(reply);
        if (ehlo.code() == 250) {
            capabilities = Capabilities.fromEhlo(reply);
            return;
        }
        if (options.protocol() == Protocol.LMTP) {
            lines.quietly("QUIT");
            throw new SessionFailure(ehlo, null);
        }
        SmtpReply helo = lines.command("HELO " + options.heloName(), options.timeouts().greeting());
        if (helo.code() != 250) {
            lines.quietly("QUIT");
            throw new SessionFailure(helo, null);
        }
        capabilities = Capabilities.NONE;
    }

    private void startTls(TlsPolicy policy) throws IOException, SessionFailure, HandshakeFailed {
        SSLSocket ssl;
        try {
            ssl = StartTls.handshake(socket, target, options.timeouts().greeting());
        } catch (IOException e) {
            if (policy.plaintextRetry()) {
                throw new HandshakeFailed(e.getMessage());
            }
            throw new SessionFailure(policy.failure("TLS handshake with " + target + " failed: " + e.getMessage()), e);
        }
        socket = ssl;
        lines.attach(ssl);
        X509Certificate[] chain = StartTls.chain(ssl);
        try {
            policy.check().check(chain);
        } catch (CertificateException e) {
            lines.quietly("QUIT");
            throw new SessionFailure(policy.failure("TLS level " + policy.level() + ": certificate of " + target + " refused: "
                + e.getMessage()), e);
        }
        Optional<String> reported = Optional.empty();
        if (policy.reportOnly().isPresent()) {
            try {
                policy.reportOnly().get().check(chain);
            } catch (CertificateException e) {
                reported = Optional.of("reported, not enforced: " + e.getMessage());
            }
        }
        tls = new TlsState(policy.level(), policy.verifies() ? TlsState.Status.VERIFIED : TlsState.Status.ENCRYPTED,
            ssl.getSession().getProtocol(), ssl.getSession().getCipherSuite(), reported);
    }

    /**
     * One transaction ({@link TransactionDialogue}): every recipient mapped to the reply that decides it. Throws
     * {@link IOException} when the connection broke or timed out; the session is then unusable.
     */
    public Map<String, SmtpReply> send(MailTransaction mail) throws IOException {
        TransactionDialogue dialogue = new TransactionDialogue(lines, capabilities, options.protocol(), options.timeouts(), target, tls);
        try {
            Map<String, SmtpReply> replies = dialogue.run(mail);
            usable &= dialogue.usable();
            return replies;
        } catch (IOException e) {
            usable = false;
            throw e;
        } finally {
            answered = dialogue.answered();
            transactions++;
        }
    }

    /**
     * A callout (Postfix's address verification): {@code MAIL FROM:<>}, {@code RCPT TO}, RSET. Returns the RCPT
     * reply; a refused MAIL throws {@link SessionFailure} with MAIL's reply, since this host cannot answer.
     */
    public SmtpReply probe(String recipient) throws IOException, SessionFailure {
        TransactionDialogue dialogue = new TransactionDialogue(lines, capabilities, options.protocol(), options.timeouts(), target, tls);
        try {
            TransactionDialogue.Probe probe = dialogue.probe(recipient);
            usable &= dialogue.usable();
            if (probe.rcpt() == null) {
                throw new SessionFailure(probe.mail(), null);
            }
            return probe.rcpt();
        } catch (IOException e) {
            usable = false;
            throw e;
        } finally {
            transactions++;
        }
    }

    /** Whether the session can carry another transaction (a completed transaction leaves it ready, no RSET needed). */
    public boolean usable() {
        return usable && socket != null && !socket.isClosed();
    }

    /** Whether the server answered MAIL in the last transaction (false: it was gone before, nothing reached it). */
    public boolean answeredLastTransaction() {
        return answered;
    }

    public Target target() {
        return target;
    }

    /** The connection cache's key: the target and the options this session was opened under. */
    public String cacheKey() {
        return target.key() + "|" + options.key();
    }

    public TlsState tls() {
        return tls;
    }

    /** Whether the server announced DSN in its EHLO reply (RFC 3461). */
    public boolean offersDsn() {
        return capabilities.offers("DSN");
    }

    public int transactions() {
        return transactions;
    }

    public Duration age() {
        return Duration.ofNanos(System.nanoTime() - openedAtNanos);
    }

    public void markIdle() {
        idleSinceNanos = System.nanoTime();
    }

    public Duration idle() {
        return Duration.ofNanos(System.nanoTime() - idleSinceNanos);
    }

    /** QUIT, briefly waiting for the answer, then close. */
    @Override
    public void close() {
        if (usable()) {
            try {
                lines.command("QUIT", Duration.ofSeconds(1));
            } catch (IOException e) {
                // closing anyway
            }
        }
        abort();
    }

    private void abort() {
        usable = false;
        if (lines != null) {
            lines.close();
        } else if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing left to do
            }
        }
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }

    /** A TLS handshake that failed under a policy that retries the host in plaintext. */
    private static final class HandshakeFailed extends Exception {
        HandshakeFailed(String message) {
            super(message);
        }
    }
}
