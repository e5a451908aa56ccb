package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.testing.LoopbackDnsServer;
import org.postern.testing.ScriptedSmtpPeer;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * What an operator sees of real traffic through the running server: the Prometheus text at webadmin's {@code /metrics}
 * (scraped over HTTP before and after: RCPT accepted and refused, messages spooled, recipients sent and deferred per
 * next hop, the delay histogram, transactions by TLS and connection reuse, DNS lookups and cache hits, queue depth
 * with held mail and destinations, James's own Dropwizard metrics), and the Postfix-shaped maillog lines of the same
 * messages ({@code client=}, {@code from=}, one {@code to=} per recipient with {@code delays=} and {@code conn_use=}).
 */
class MetricsAndMaillogTest {
    static final String SENDER = "sender@example.test";

    @TempDir
    static Path work;
    static LoopbackDnsServer dns;
    static ScriptedSmtpPeer mx;
    static InJvmPostern postern;
    static ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        mx = ScriptedSmtpPeer.startOnPort(0, 60).on("RCPT", "later@", "451 4.3.0 try again later");
        dns = LoopbackDnsServer.start();
        dns.mx("dest.test", 10, "mx.dest.test", 300).a("mx.dest.test", mx.host(), 300);
        Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
        LoopbackNetwork.useDns(conf, dns);
        Files.writeString(conf.resolve("transport.xml"), LoopbackNetwork.transport(mx.port(), ""));
        Files.writeString(conf.resolve("delivery.xml"), "<delivery><retry><first>1h</first></retry>"
            + "<timeouts><connect>2s</connect><greeting>5s</greeting></timeouts>"
            + "<connectionCache><idleTime>30s</idleTime></connectionCache></delivery>");
        for (String name : List.of("org.postern.delivery.maillog", "org.postern.routing.ResolveNextHop")) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            logger.setLevel(Level.INFO);
            logger.addAppender(logs);
        }
        logs.start();
        postern = InJvmPostern.start(conf, work.resolve("data")).withUser("example.test", SENDER, "pw");
    }

    @AfterAll
    static void stop() {
        postern.close();
        dns.close();
        mx.close();
    }

    private static String send(List<String> recipients, String subject) throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
            smtp.ehlo();
            String reply = smtp.sendMail(SENDER, recipients, ("From: " + SENDER + "\r\nSubject: " + subject + "\r\n\r\nhello\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            assertThat(reply).startsWith("250 2.6.0");
            return ChildPostern.queueIds(reply).get(0);
        }
    }

    private static Map<String, Double> scrape() throws Exception {
        return Metrics.scrape(postern.ports().webAdmin());
    }

    private static double value(Map<String, Double> samples, String sample) {
        return samples.getOrDefault(sample, 0.0);
    }

    private static List<String> maillog(String queueId) {
        return new ArrayList<>(logs.list).stream().map(ILoggingEvent::getFormattedMessage)
            .filter(line -> line.startsWith(queueId + ": ")).toList();
    }

    @Test
    void countersShouldMoveWithRealTrafficAndQueueGaugesShowWhatWaits() throws Exception {
        Map<String, Double> before = scrape();

        send(List.of("one@dest.test"), "first");
        mx.awaitMessage("Subject: first", Duration.ofSeconds(30));
        send(List.of("two@dest.test", "later@dest.test"), "second");
        mx.awaitMessage("Subject: second", Duration.ofSeconds(30));
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
            smtp.ehlo();
            smtp.sendExpect("MAIL FROM:<" + SENDER + ">", "250");
            smtp.sendExpect("RCPT TO:<nobody@example.test>", "550 5.1.1");
            smtp.sendExpect("RSET", "250");
        }

        String sent = "postern_delivery_recipients_total{nexthop=\"mx:dest.test\",status=\"sent\",}";
        await().atMost(Duration.ofSeconds(30)).until(() -> value(scrape(), sent) - value(before, sent) == 2);
        Map<String, Double> after = scrape();
        assertThat(value(after, "postern_smtp_rcpt_accepted_total") - value(before, "postern_smtp_rcpt_accepted_total")).isEqualTo(3);
        String unknown = "postern_smtp_rcpt_refused_total{code=\"550\",status=\"5.1.1\",}";
        assertThat(value(after, unknown) - value(before, unknown)).isEqualTo(1);
        assertThat(value(after, "postern_smtp_messages_total") - value(before, "postern_smtp_messages_total")).isEqualTo(2);
        String deferred = "postern_delivery_recipients_total{nexthop=\"mx:dest.test\",status=\"deferred\",}";
        assertThat(value(after, deferred) - value(before, deferred)).isEqualTo(1);
        assertThat(value(after, "postern_delivery_delay_seconds_count") - value(before, "postern_delivery_delay_seconds_count")).isEqualTo(2);
        assertThat(value(after, "postern_delivery_delay_seconds_bucket{le=\"+Inf\",}")).isEqualTo(value(after, "postern_delivery_delay_seconds_count"));
        String fresh = "postern_delivery_transactions_total{tls_level=\"may\",tls=\"plaintext\",connection=\"new\",}";
        String reused = "postern_delivery_transactions_total{tls_level=\"may\",tls=\"plaintext\",connection=\"reused\",}";
        assertThat(value(after, fresh) - value(before, fresh) + value(after, reused) - value(before, reused)).isEqualTo(2);
        assertThat(value(after, reused) - value(before, reused)).as("the second message on the cached connection").isGreaterThanOrEqualTo(1);
        assertThat(value(after, "postern_dns_lookups_total{kind=\"mx\",}")).isGreaterThan(value(before, "postern_dns_lookups_total{kind=\"mx\",}"));
        assertThat(value(after, "postern_dns_cache_hits_total{kind=\"mx\",}")).isGreaterThan(value(before, "postern_dns_cache_hits_total{kind=\"mx\",}"));
        assertThat(after).containsKey("postern_queue_mails{queue=\"spool\",}");
        assertThat(after.keySet()).as("James's Dropwizard metrics beside Postern's").anyMatch(name -> name.startsWith("jvm_"));

        await().atMost(Duration.ofSeconds(10)).until(() -> value(scrape(), "postern_queue_deferred_mails{queue=\"outbound\",}") == 1);
        assertThat(value(scrape(), "postern_queue_destination_mails{queue=\"outbound\",domain=\"dest.test\",}")).isEqualTo(1);
        String queued = WebAdminClient.get(postern.ports().webAdmin(), "/postern/queue").body();
        String id = queued.replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1");
        assertThat(WebAdminClient.send(java.net.http.HttpRequest.newBuilder(WebAdminClient.uri(postern.ports().webAdmin(),
            "/postern/queue/" + id + "/hold")).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build()).status()).isEqualTo(200);
        assertThat(value(scrape(), "postern_queue_held_mails{queue=\"outbound\",}")).isEqualTo(1);
    }

    @Test
    void theMaillogShouldHavePostfixShapedLinesOneRecipientPerLine() throws Exception {
        String first = send(List.of("three@dest.test"), "maillog one");
        mx.awaitMessage("Subject: maillog one", Duration.ofSeconds(30));
        String second = send(List.of("four@dest.test", "five@dest.test"), "maillog two");
        mx.awaitMessage("Subject: maillog two", Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(10)).until(() -> maillog(second).stream().filter(line -> line.contains("status=sent")).count() == 2);

        assertThat(maillog(first)).anyMatch(line -> line.matches(first + ": client=\\S+\\[127\\.0\\.0\\.1]"))
            .anyMatch(line -> line.matches(first + ": from=<" + SENDER + ">, size=\\d+, nrcpt=1"))
            .anyMatch(line -> line.matches(first + ": to=<three@dest\\.test>, nexthop=mx:dest\\.test, relay=mx\\.dest\\.test\\["
                + mx.host().replace(".", "\\.") + "]:" + mx.port() + ", (conn_use=\\d+, )?tls=may/plaintext, delay=[0-9.]+, "
                + "delays=[0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+, dsn=2\\.0\\.0, status=sent \\(250 .*\\)"));
        assertThat(maillog(second)).anyMatch(line -> line.matches(second + ": from=<" + SENDER + ">, size=\\d+, nrcpt=2"))
            .anyMatch(line -> line.startsWith(second + ": to=<four@dest.test>, nexthop=mx:dest.test, entry"))
            .anyMatch(line -> line.startsWith(second + ": to=<five@dest.test>, nexthop=mx:dest.test, entry"))
            .anyMatch(line -> line.matches(second + ": to=<four@dest\\.test>, .*, conn_use=[2-9]\\d*, .*status=sent .*"))
            .anyMatch(line -> line.matches(second + ": to=<five@dest\\.test>, .*status=sent .*"))
            .noneMatch(line -> line.contains("to=<["));
    }
}
