package org.postern.acceptance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.apache.james.core.MailAddress;

/**
 * One callout: asks the next hop's hosts, in order, whether they would take a recipient, with the dialogue of
 * Postfix's address verification: EHLO (HELO if refused), {@code MAIL FROM:<>}, {@code RCPT TO}, RSET, QUIT. No
 * message is sent. A host that cannot be reached, or answers the greeting, EHLO or MAIL with an error, is skipped
 * for the next one; the first host that answers RCPT decides.
 */
public class SmtpProbe {
    private final String heloName;
    private final Duration timeout;

    public SmtpProbe(String heloName, Duration timeout) {
        this.heloName = heloName;
        this.timeout = timeout;
    }

    public CalloutAnswer probe(List<InetSocketAddress> hosts, MailAddress recipient) {
        CalloutAnswer.TryLater last = new CalloutAnswer.TryLater("4.4.0", "no host to ask");
        for (InetSocketAddress host : hosts) {
            try {
                CalloutAnswer answer = ask(host, recipient);
                if (!(answer instanceof CalloutAnswer.TryLater later) || later.status().equals("4.1.1")) {
                    return answer;
                }
                last = later;
            } catch (SocketTimeoutException e) {
                last = new CalloutAnswer.TryLater("4.4.1", describe(host) + ": timed out");
            } catch (IOException e) {
                last = new CalloutAnswer.TryLater(e instanceof java.net.ConnectException ? "4.4.1" : "4.4.2",
                    describe(host) + ": " + e.getMessage());
            }
        }
        return last;
    }

    private CalloutAnswer ask(InetSocketAddress host, MailAddress recipient) throws IOException {
        int millis = (int) timeout.toMillis();
        try (Socket socket = new Socket()) {
            socket.connect(host, millis);
            socket.setSoTimeout(millis);
            Dialogue smtp = new Dialogue(socket);
            String greeting = smtp.reply();
            if (!greeting.startsWith("2")) {
                return skip(host, "greeting", greeting);
            }
            String hello = smtp.command("EHLO " + heloName);
            if (hello.startsWith("5")) {
                hello = smtp.command("HELO " + heloName);
            }
            if (!hello.startsWith("2")) {
                return skip(host, "HELO", hello);
            }
            String mail = smtp.command("MAIL FROM:<>");
            if (!mail.startsWith("2")) {
                return skip(host, "MAIL FROM:<>", mail);
            }
            String rcpt = smtp.command("RCPT TO:<" + recipient.asString() + ">");
            smtp.quietly("RSET");
            smtp.quietly("QUIT");
            String said = describe(host) + " said: " + rcpt;
            if (rcpt.startsWith("2")) {
                return new CalloutAnswer.Exists(describe(host), rcpt);
            }
            if (rcpt.startsWith("5")) {
                return new CalloutAnswer.Unknown(describe(host), said);
            }
            return new CalloutAnswer.TryLater("4.1.1", said);
        }
    }

    private static CalloutAnswer.TryLater skip(InetSocketAddress host, String step, String reply) {
        return new CalloutAnswer.TryLater("4.4.0", describe(host) + " refused " + step + ": " + reply);
    }

    private static String describe(InetSocketAddress host) {
        return host.getAddress().getHostAddress() + ":" + host.getPort();
    }

    /** Commands and replies, multi-line replies joined; a closed connection is an IOException. */
    private static final class Dialogue {
        private final BufferedReader in;
        private final OutputStream out;

        Dialogue(Socket socket) throws IOException {
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            this.out = socket.getOutputStream();
        }

        String command(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return reply();
        }

        void quietly(String line) {
            try {
                command(line);
            } catch (IOException e) {
                // the answer is known already; a peer that hangs up early changes nothing
            }
        }

        String reply() throws IOException {
            StringBuilder reply = new StringBuilder();
            for (int lines = 0; lines < 100; lines++) {
                String line = in.readLine();
                if (line == null) {
                    throw new IOException("connection closed by the peer");
                }
                if (line.length() < 3 || !Character.isDigit(line.charAt(0))) {
                    throw new IOException("not an SMTP reply: " + line);
                }
                if (reply.length() > 0) {
                    reply.append(' ');
                }
                reply.append(line.length() > 4 ? line.substring(4) : "");
                if (line.length() == 3 || line.charAt(3) != '-') {
                    return line.substring(0, 3) + " " + reply.toString().trim();
                }
            }
            throw new IOException("SMTP reply longer than 100 lines");
        }
    }
}
