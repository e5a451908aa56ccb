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
import org.postern.testing.LoopbackHttpsServer;
import org.postern.testing.NeedsRoot;
import org.postern.testing.ScriptedSmtpPeer;
import org.postern.testing.TestCa;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * MTA-STS through the running server: the policy is fetched over HTTPS from port 443 of the policy host, as RFC 8461
 * fixes it, so this test binds 443 on loopback and runs as root only ({@code .ci/run}). The same checks with the
 * policy on another port run as any user in {@code TransportSecurityTest}.
 */
@NeedsRoot
class MtaStsDeliveryTest {
    static final String SENDER = "sender@example.test";

    @TempDir
    static Path work;
    static LoopbackDnsServer dns;
    static LoopbackHttpsServer policyHost;
    static ScriptedSmtpPeer stsMx;
    static InJvmPostern postern;
    static ListAppender<ILoggingEvent> maillog = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        TestCa ca = TestCa.create("Postern Test CA");
        stsMx = ScriptedSmtpPeer.startOnPort(0, 40).tls(ca.issue("mx.sts.test").serverContext());
        policyHost = LoopbackHttpsServer.startOnPort443(20, ca.issue("mta-sts.sts.test").serverContext())
            .respond("/.well-known/mta-sts.txt", 200, "text/plain", "version: STSv1\nmode: enforce\nmx: mx.sts.test\nmax_age: 86400\n");
        dns = LoopbackDnsServer.start();
        dns.mx("sts.test", 10, "mx.sts.test", 300).a("mx.sts.test", stsMx.host(), 300)
            .txt("_mta-sts.sts.test", "v=STSv1; id=1;", 300).a("mta-sts.sts.test", policyHost.host(), 300);

        Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
        ca.writePem(conf.resolve("ca.pem"));
        LoopbackNetwork.useDns(conf, dns);
        Files.writeString(conf.resolve("transport.xml"), LoopbackNetwork.transport(stsMx.port(), ""));
        Files.writeString(conf.resolve("delivery.xml"), "<delivery><heloName>postern.test</heloName>"
            + "<retry><first>1s</first><max>2s</max><giveUpAfter>60s</giveUpAfter></retry>"
            + "<timeouts><connect>2s</connect><greeting>5s</greeting></timeouts>"
            + "<tls level='may' caFile='ca.pem'/></delivery>");
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
        policyHost.close();
        stsMx.close();
    }

    @Test
    void anMtaStsDestinationShouldBeReachedOverVerifiedTls() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
            smtp.ehlo();
            assertThat(smtp.sendMail(SENDER, List.of("someone@sts.test"),
                "Subject: sts\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII))).startsWith("250 2.6.0");
        }

        stsMx.awaitMessage("Subject: sts\r\n", Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> maillogLines().stream().anyMatch(line -> line.contains("to=<someone@sts.test>")));
        assertThat(maillogLines()).filteredOn(line -> line.contains("to=<someone@sts.test>"))
            .anyMatch(line -> line.contains("tls=mta-sts/verified"));
        assertThat(policyHost.requests("/.well-known/mta-sts.txt")).isEqualTo(1);
    }

    private static List<String> maillogLines() {
        return new ArrayList<>(maillog.list).stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
