package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.testing.LoopbackDnsServer;
import org.postern.testing.ScriptedSmtpPeer;
import org.postern.testing.TestCa;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * Outbound security and modern SMTP through the running server, against real peers on loopback: a smarthost that
 * requires AUTH over STARTTLS (password from a file, certificate checked with {@code tls="secure"}), DANE with a
 * signed zone served by a loopback DNS server, REQUIRETLS taken in and passed on (or bounced with 5.7.10), BDAT
 * towards a peer with CHUNKING, an LMTP next hop refusing one recipient after the data, and a {@code camel:} next hop
 * into an admin route. MX hosts share one unprivileged port ({@code mxPort}); MTA-STS, whose policies come from port
 * 443, is {@link MtaStsDeliveryTest}.
 */
class OutboundSecurityTest {
    static final String SENDER = "sender@example.test";

    @TempDir
    static Path work;
    static TestCa ca;
    static LoopbackDnsServer dns;
    static ScriptedSmtpPeer smarthost;
    static ScriptedSmtpPeer daneMx;
    static ScriptedSmtpPeer requireTlsMx;
    static ScriptedSmtpPeer plainTlsMx;
    static ScriptedSmtpPeer chunkingMx;
    static ScriptedSmtpPeer mailstore;
    static Path archive;
    static InJvmPostern postern;
    static ListAppender<ILoggingEvent> maillog = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        ca = TestCa.create("Postern Test CA");
        TestCa.Issued daneKey = TestCa.selfSigned("mx.dane.test");
        smarthost = ScriptedSmtpPeer.start("127.0.29.1", 0).tls(ca.issue("smtp.isp.test").serverContext()).auth("gw", "s3cret pass");
        mailstore = ScriptedSmtpPeer.start("127.0.29.2", 0).lmtp().extensions("PIPELINING", "ENHANCEDSTATUSCODES")
            .on("DOT", "full@", "552 5.2.2 <full@box.test> mailbox full");
        daneMx = ScriptedSmtpPeer.startOnPort(0, 30).tls(daneKey.serverContext());
        requireTlsMx = ScriptedSmtpPeer.startOnPort(daneMx.port(), next(daneMx)).tls(ca.issue("mx.req.test").serverContext())
            .extensions("PIPELINING", "SIZE 10240000", "8BITMIME", "REQUIRETLS");
        plainTlsMx = ScriptedSmtpPeer.startOnPort(daneMx.port(), next(requireTlsMx)).tls(ca.issue("mx.noreq.test").serverContext())
            .extensions("PIPELINING", "8BITMIME");
        chunkingMx = ScriptedSmtpPeer.startOnPort(daneMx.port(), next(plainTlsMx)).extensions("PIPELINING", "CHUNKING", "8BITMIME", "SIZE 10240000");

        dns = LoopbackDnsServer.start();
        LoopbackDnsServer.SignedZone signed = dns.sign("dane.test");
        dns.mx("dane.test", 10, "mx.dane.test", 300).a("mx.dane.test", daneMx.host(), 300)
            .tlsa("mx.dane.test", daneMx.port(), 3, 1, 1, TestCa.spkiSha256(daneKey.certificate()), 300)
            .mx("req.test", 10, "mx.req.test", 300).a("mx.req.test", requireTlsMx.host(), 300)
            .mx("noreq.test", 10, "mx.noreq.test", 300).a("mx.noreq.test", plainTlsMx.host(), 300)
            .mx("chunk.test", 10, "mx.chunk.test", 300).a("mx.chunk.test", chunkingMx.host(), 300);

        archive = Files.createDirectories(work.resolve("archive"));
        Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
        ca.writePem(conf.resolve("ca.pem"));
        Files.writeString(conf.resolve("dane-anchors.txt"), signed.trustAnchor());
        Files.writeString(conf.resolve("isp.secret"), "s3cret pass\n");
        LoopbackNetwork.useDns(conf, dns);
        Files.writeString(conf.resolve("delivery.xml"), "<delivery><heloName>postern.test</heloName>"
            + "<retry><first>1s</first><max>2s</max><giveUpAfter>60s</giveUpAfter></retry>"
            + "<timeouts><connect>2s</connect><greeting>5s</greeting></timeouts>"
            + "<tls level='may' caFile='ca.pem' daneTrustAnchors='dane-anchors.txt'><nexthop name='mx:dane.test' level='dane'/></tls>"
            + "</delivery>");
        Files.writeString(conf.resolve("transport.xml"), LoopbackNetwork.transport(daneMx.port(), ""
            + "<route domain='partner.test' action='smtp:[" + smarthost.host() + "]:" + smarthost.port() + "' user='gw' "
            + "passwordFile='isp.secret' tls='secure' tlsMatch='smtp.isp.test'/>"
            + "<route domain='box.test' action='lmtp:[" + mailstore.host() + "]:" + mailstore.port() + "'/>"
            + "<route domain='archive.test' action='camel:direct:archive'/>"));
        Files.writeString(conf.resolve("routes").resolve("archive.xml"), "<routes xmlns=\"http://camel.apache.org/schema/xml-io\">"
            + "<route id=\"archive-next-hop\"><from uri=\"direct:archive\"/>"
            + "<to uri=\"file:" + archive + "?fileName=${header.PosternQueueId}.eml\"/></route></routes>");
        Logger logger = (Logger) LoggerFactory.getLogger("org.postern.delivery.maillog");
        logger.setLevel(Level.INFO);
        maillog.start();
        logger.addAppender(maillog);
        postern = InJvmPostern.start(conf, work.resolve("data")).withUser("example.test", SENDER, "pw");
    }

    @AfterAll
    static void stop() {
        postern.close();
        dns.close();
        for (ScriptedSmtpPeer peer : List.of(smarthost, daneMx, requireTlsMx, plainTlsMx, chunkingMx, mailstore)) {
            peer.close();
        }
    }

    private static int next(ScriptedSmtpPeer peer) {
        return Integer.parseInt(peer.host().substring(peer.host().lastIndexOf('.') + 1)) + 1;
    }

    private static String send(List<String> recipients, String message) throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
            smtp.ehlo();
            String reply = smtp.sendMail(SENDER, recipients, message.getBytes(StandardCharsets.UTF_8));
            assertThat(reply).startsWith("250 2.6.0");
            return reply;
        }
    }

    private static String message(String to, String subject) {
        return "From: " + SENDER + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nMessage-ID: <" + subject + "@example.test>\r\n\r\n"
            + "hello " + subject + "\r\n";
    }

    private static ScriptedSmtpPeer.Message awaitReceived(ScriptedSmtpPeer peer, String subject) throws InterruptedException {
        return peer.awaitMessage("Subject: " + subject + "\r\n", Duration.ofSeconds(30));
    }

    private static String maillogFor(String recipient) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> maillogLines().stream().anyMatch(line -> line.contains("to=<" + recipient + ">")));
        return maillogLines().stream().filter(line -> line.contains("to=<" + recipient + ">")).reduce((a, b) -> b).orElseThrow();
    }

    private static List<String> maillogLines() {
        return new ArrayList<>(maillog.list).stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static String bounceAbout(String recipient) {
        return Pop3Client.awaitMessageContaining(Ports.HOST, postern.ports().pop3(), SENDER, "pw", "Final-Recipient: rfc822; " + recipient,
            Duration.ofSeconds(60));
    }

    /** A message over STARTTLS with these MAIL FROM parameters; asserts it was taken. */
    private static void sendOverTls(String mailParameters, String recipient, String message) throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
            smtp.ehlo();
            smtp.startTls();
            assertThat(smtp.ehlo()).contains("REQUIRETLS");
            smtp.sendExpect("MAIL FROM:<" + SENDER + ">" + mailParameters, "250");
            smtp.sendExpect("RCPT TO:<" + recipient + ">", "250");
            smtp.sendExpect("DATA", "354");
            smtp.writeRaw(message.getBytes(StandardCharsets.US_ASCII));
            smtp.writeRaw(".\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(smtp.readReply()).last().asString().startsWith("250");
        }
    }

    @Test
    void aSmarthostRouteShouldAuthenticateOverVerifiedTlsWithThePasswordFromItsFile() throws Exception {
        send(List.of("someone@partner.test"), message("someone@partner.test", "smarthost"));

        awaitReceived(smarthost, "smarthost");
        assertThat(smarthost.authentications()).isNotEmpty().allMatch(entry -> entry.endsWith(" gw"));
        assertThat(maillogFor("someone@partner.test")).contains("tls=secure/verified").contains("status=sent");
    }

    @Test
    void aDaneDestinationShouldBeReachedOnlyWithTheCertificateItsSignedTlsaRecordNames() throws Exception {
        send(List.of("someone@dane.test"), message("someone@dane.test", "dane"));

        awaitReceived(daneMx, "dane");
        assertThat(maillogFor("someone@dane.test")).contains("tls=dane/verified").contains("status=sent");
    }

    @Test
    void requireTlsShouldBeOfferedOverTlsOnlyKeptOnTheMailAndPassedOn() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
            assertThat(smtp.ehlo()).doesNotContain("REQUIRETLS");
            smtp.sendExpect("MAIL FROM:<" + SENDER + "> REQUIRETLS", "530 5.7.10");
        }
        sendOverTls(" REQUIRETLS", "someone@req.test", message("someone@req.test", "required"));

        awaitReceived(requireTlsMx, "required");
        assertThat(requireTlsMx.commands()).anyMatch(command -> command.contains("MAIL FROM:<" + SENDER + ">") && command.endsWith(" REQUIRETLS"));
        assertThat(maillogFor("someone@req.test")).contains("tls=requiretls/verified");
    }

    @Test
    void aRequireTlsMessageShouldBounceWith5710WhenTheNextHopLacksRequireTls() throws Exception {
        sendOverTls(" REQUIRETLS", "someone@noreq.test", message("someone@noreq.test", "noreq"));

        assertThat(bounceAbout("someone@noreq.test")).contains("Status: 5.7.10").contains("does not offer REQUIRETLS");
        assertThat(plainTlsMx.count("MAIL", "")).isZero();
    }

    @Test
    void aNextHopWithChunkingShouldGetTheAcceptedBytesThroughBdat() throws Exception {
        String body = "From: " + SENDER + "\r\nTo: someone@chunk.test\r\nSubject: chunked\r\n\r\n.a dot line\r\n8 bits: \u00e9t\u00e9\r\nend\r\n";

        send(List.of("someone@chunk.test"), body);

        ScriptedSmtpPeer.Message received = awaitReceived(chunkingMx, "chunked");
        byte[] sent = body.getBytes(StandardCharsets.UTF_8);
        assertThat(received.text()).startsWith("Received: ");
        assertThat(java.util.Arrays.copyOfRange(received.data(), received.data().length - sent.length, received.data().length)).isEqualTo(sent);
        assertThat(chunkingMx.commands()).anyMatch(command -> command.matches("\\d+ BDAT " + received.data().length + " LAST"))
            .noneMatch(command -> command.endsWith(" DATA"));
    }

    @Test
    void anLmtpNextHopRefusingOneRecipientAfterTheDataShouldBounceThatOneOnly() throws Exception {
        send(List.of("ok@box.test", "full@box.test"), message("ok@box.test", "lmtp"));

        ScriptedSmtpPeer.Message stored = awaitReceived(mailstore, "lmtp");
        assertThat(stored.recipients()).containsExactly("ok@box.test");
        assertThat(mailstore.commands()).anyMatch(command -> command.endsWith("LHLO postern.test"));
        assertThat(bounceAbout("full@box.test")).contains("Status: 5.2.2").contains("mailbox full")
            .doesNotContain("Final-Recipient: rfc822; ok@box.test");
    }

    @Test
    void aCamelNextHopShouldHandTheMessageToTheAdminRoute() throws Exception {
        String reply = send(List.of("someone@archive.test"), message("someone@archive.test", "archived"));

        String queueId = ChildPostern.queueIds(reply).get(0);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> Files.list(archive).anyMatch(file -> file.getFileName().toString().startsWith(queueId)));
        Path file;
        try (var files = Files.list(archive)) {
            file = files.filter(candidate -> candidate.getFileName().toString().startsWith(queueId)).findFirst().orElseThrow();
        }
        assertThat(Files.readString(file)).contains("Subject: archived").contains("hello archived");
        assertThat(maillogFor("someone@archive.test")).contains("nexthop=camel:direct:archive").contains("status=sent");
    }
}
