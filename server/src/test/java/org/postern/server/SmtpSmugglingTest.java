package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postern.testing.ScriptedSmtpPeer;

/**
 * No SMTP smuggling through Postern, read from the bytes a real next hop receives. The next hop is a lax SMTP
 * peer: it ends the data at a lone dot whatever the line endings around it, so a lookalike that reached it would show
 * up as a second, forged message.
 * <ul>
 *   <li>Inbound: a message holding an end-of-data lookalike is refused with 550 5.6.0 and the connection closed; the
 *       commands smuggled after the lookalike are never run, and nothing of it reaches the next hop.</li>
 *   <li>Outbound: whatever the stored bytes hold (here put straight into the spool), the SMTP client writes CRLF line
 *       endings only and dot-stuffs every line that starts with a dot, so the next hop gets exactly one message.</li>
 * </ul>
 */
class SmtpSmugglingTest {
    static final String VICTIM = "victim@next.test";

    @TempDir
    static Path work;
    static ScriptedSmtpPeer nextHop;
    static InJvmPostern postern;

    static Stream<Arguments> lookalikes() {
        return Stream.of(
            Arguments.of("LF.LF", "\n.\n"),
            Arguments.of("LF.CRLF", "\n.\r\n"),
            Arguments.of("CRLF.LF", "\r\n.\n"),
            Arguments.of("CR.CR", "\r.\r"),
            Arguments.of("CRLF.CR", "\r\n.\r"),
            Arguments.of("CR.CRLF", "\r.\r\n"),
            Arguments.of("NUL before the dot", "\r\n\0.\r\n"));
    }

    @BeforeAll
    static void start() throws Exception {
        nextHop = ScriptedSmtpPeer.start("127.0.0.1", FreePorts.take(1)[0]);
        Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
        Files.writeString(conf.resolve("transport.xml"), "<transport><route domain=\"next.test\" action=\"smtp:["
            + nextHop.host() + "]:" + nextHop.port() + "\"/><route domain=\"*\" action=\"mx\"/></transport>");
        postern = InJvmPostern.start(conf, work.resolve("data"));
    }

    @AfterAll
    static void stop() {
        postern.close();
        nextHop.close();
    }

    /** A message with the lookalike, then a whole smuggled transaction, then the real end of data. */
    private static byte[] smuggling(String name, String lookalike) {
        return ("Subject: lookalike " + name + "\r\n\r\nbefore" + lookalike
            + "MAIL FROM:<forged@bank.test>\r\nRCPT TO:<" + VICTIM + ">\r\nDATA\r\n"
            + "Subject: forged " + name + "\r\n\r\nsmuggled\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lookalikes")
    void lookalikeSentToPosternShouldBeRefusedAndReachNoNextHop(String name, String lookalike) throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
            smtp.ehlo();
            smtp.sendExpect("MAIL FROM:<sender@elsewhere.test>", "250");
            smtp.sendExpect("RCPT TO:<" + VICTIM + ">", "250");
            smtp.sendExpect("DATA", "354");

            smtp.writeRaw(smuggling(name, lookalike));
            smtp.writeRaw("\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));

            assertThat(smtp.readReply().get(0)).startsWith("550 5.6.0");
            assertThatThrownBy(smtp::readReply).isInstanceOf(IOException.class);
        }
        String after = "after " + name;
        send(("Subject: " + after + "\r\n\r\nan honest message\r\n").getBytes(StandardCharsets.US_ASCII));

        awaitSubject(after);
        assertThat(nextHop.messages()).noneMatch(message -> message.text().contains("lookalike " + name) || message.text().contains("forged " + name));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lookalikes")
    void storedLookalikeShouldLeaveWithCrlfOnlyAndDotStuffed(String name, String lookalike) throws Exception {
        String subject = "stored " + name;
        byte[] stored = ("Subject: " + subject + "\r\n\r\nbefore" + lookalike + "after\r\n.leading dot\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
        MailImpl mail = MailImpl.builder()
            .name("smuggling-" + System.nanoTime())
            .sender(new MailAddress("sender@elsewhere.test"))
            .addRecipient(new MailAddress(VICTIM))
            .mimeMessage(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(stored)))
            .addAttribute(new Attribute(AttributeName.of("org.apache.james.SMTPIsAuthNetwork"), AttributeValue.of(true)))
            .build();
        postern.probe(SpoolProbe.class).enqueue(mail);
        mail.dispose();

        ScriptedSmtpPeer.Message received = awaitSubject(subject);

        String raw = new String(received.raw(), StandardCharsets.ISO_8859_1);
        assertThat(raw.replace("\r\n", "")).as("bare CR or LF in %s", printable(raw)).doesNotContain("\r", "\n");
        assertThat(raw).as("NUL in %s", printable(raw)).doesNotContain("\0");
        assertThat(raw).as("an unstuffed dot line in %s", printable(raw)).doesNotContain("\r\n.\r\n").contains("\r\n..leading dot\r\n");
        assertThat(received.text()).contains("after\r\n");
        assertThat(nextHop.messages().stream().filter(message -> message.text().contains(subject))).hasSize(1);
    }

    private static void send(byte[] message) throws IOException {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
            smtp.ehlo();
            assertThat(smtp.sendMail("sender@elsewhere.test", List.of(VICTIM), message)).startsWith("250");
        }
    }

    private static ScriptedSmtpPeer.Message awaitSubject(String subject) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
            .until(() -> nextHop.messages().stream().anyMatch(message -> message.text().contains("Subject: " + subject + "\r\n")));
        return nextHop.messages().stream().filter(message -> message.text().contains("Subject: " + subject + "\r\n")).findFirst().orElseThrow();
    }

    private static String printable(String raw) {
        return raw.replace("\r", "<CR>").replace("\n", "<LF>").replace("\0", "<NUL>");
    }
}
