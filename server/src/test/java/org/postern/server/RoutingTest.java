package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.utils.MailRepositoryProbeImpl;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.routing.RoutingAttributes;
import org.postern.testing.LoopbackDnsServer;

/**
 * A message accepted over SMTP is routed per recipient (transport.xml, then MX records from a real DNS server on
 * loopback, configured in dnsservice.xml), split by next hop, and its recorded route is checked.
 */
class RoutingTest {
    static final MailRepositoryUrl RELAY_PENDING = MailRepositoryUrl.from("jpa://var/mail/relay-pending/");

    @TempDir
    static Path work;
    static LoopbackDnsServer dns;
    static InJvmPostern postern;

    @BeforeAll
    static void start() throws Exception {
        dns = LoopbackDnsServer.start();
        dns.mx("dest.test", 20, "mx2.dest.test", 300).mx("dest.test", 10, "mx1.dest.test", 300)
            .a("mx1.dest.test", "127.0.0.21", 300).a("mx2.dest.test", "127.0.0.22", 300)
            .mx("nullmx.test", 0, ".", 300)
            .servfail("flaky.test");
        Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
        LoopbackNetwork.useDns(conf, dns);
        // Routing in isolation: routed mail is kept in a repository instead of being handed off for delivery.
        Path mailets = conf.resolve("mailetcontainer.xml");
        String pipeline = Files.readString(mailets);
        String handOff = "<mailet match=\"All\" class=\"org.postern.queue.HandOffToOutbound\">";
        assertThat(pipeline).contains(handOff);
        Files.writeString(mailets, pipeline.replace(handOff, "<mailet match=\"All\" class=\"ToRepository\">"
            + "<repositoryPath>jpa://var/mail/relay-pending/</repositoryPath>"));
        Files.writeString(conf.resolve("transport.xml"),
            "<transport><route domain='corp.test' action='smtp:[127.0.0.30]:2525'/></transport>");
        postern = InJvmPostern.start(conf, work.resolve("data")).withUser("example.test", SENDER, "pw");
    }

    static final String SENDER = "sender@example.test";

    @AfterAll
    static void stop() {
        postern.close();
        dns.close();
    }

    @Test
    void whereWouldThisGoShouldAnswerWithTheEntryTheHostsAndTheirAddresses() throws Exception {
        String mx = webAdminGet("/postern/nexthop/someone@dest.test");
        String table = webAdminGet("/postern/nexthop/corp.test");
        String nullMx = webAdminGet("/postern/nexthop/nullmx.test");

        assertThat(mx).contains("\"nextHop\":\"mx:dest.test\"")
            .contains("{\"name\":\"mx1.dest.test\"").contains("\"addresses\":[\"127.0.0.21\"]")
            .containsPattern("mx1\\.dest\\.test.*mx2\\.dest\\.test")
            .containsPattern("\"ttlSeconds\":(2[0-9][0-9]|300)[,}]");
        assertThat(table).contains("\"pattern\":\"corp.test\"").contains("\"line\":1").contains("\"nextHop\":\"smtp:[127.0.0.30]:2525\"");
        assertThat(nullMx).contains("\"nextHop\":\"error\"").contains("\"status\":\"5.1.10\"");
    }

    @Test
    void whereWouldThisGoShouldAnswerABadDestinationWithJamesErrorBody() throws Exception {
        WebAdminClient.Answer answer = WebAdminClient.get(postern.ports().webAdmin(), "/postern/nexthop/not%20a%20domain");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("\"type\":\"InvalidArgument\"")
            .contains("\"message\":\"'not a domain' is neither an address nor a domain\"");
    }

    @Test
    void aPermanentRoutingErrorShouldBounceToTheSenderWithItsStatus() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
            smtp.ehlo();
            assertThat(smtp.sendMail(SENDER, List.of("nobody@nullmx.test"),
                "Subject: to a null MX\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII))).startsWith("250 2.6.0");
        }

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, postern.ports().pop3(), SENDER, "pw")) {
                return pop3.count() >= 1;
            }
        });
        try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, postern.ports().pop3(), SENDER, "pw")) {
            String bounce = new String(pop3.message("RETR 1"), StandardCharsets.US_ASCII);
            assertThat(bounce).contains("nobody@nullmx.test").contains("5.1.10").containsIgnoringCase("multipart/report");
        }
    }

    @Test
    void aTemporaryRoutingErrorShouldBeHandedOnWithItsStatusForTheDeliveryRetries() throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
            smtp.ehlo();
            assertThat(smtp.sendMail(SENDER, List.of("someone@flaky.test"),
                "Subject: to a failing DNS\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII))).startsWith("250 2.6.0");
        }

        // handed on like routed mail (here kept in relay-pending): delivery resolves it again at each attempt
        MailRepositoryProbeImpl repositories = postern.probe(MailRepositoryProbeImpl.class);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> repositories.listMailKeys(RELAY_PENDING).stream()
            .map(key -> mailOrNull(key)).filter(java.util.Objects::nonNull)
            .anyMatch(mail -> mail.getRecipients().toString().contains("someone@flaky.test")));
        Mail deferred = repositories.listMailKeys(RELAY_PENDING).stream().map(key -> mailOrNull(key)).filter(java.util.Objects::nonNull)
            .filter(mail -> mail.getRecipients().toString().contains("someone@flaky.test")).findFirst().orElseThrow();
        assertThat(attribute(deferred, RoutingAttributes.NEXT_HOP)).isEqualTo("error");
        assertThat(attribute(deferred, RoutingAttributes.ERROR)).startsWith("4.4.3");
        assertThat(dns.queries("flaky.test", org.xbill.DNS.Type.MX, LoopbackDnsServer.Transport.UDP)).isGreaterThanOrEqualTo(1);
    }

    private static Mail mailOrNull(MailKey key) {
        try {
            return postern.probe(MailRepositoryProbeImpl.class).getMail(RELAY_PENDING, key);
        } catch (Exception e) {
            return null;
        }
    }

    private static String webAdminGet(String path) throws Exception {
        WebAdminClient.Answer answer = WebAdminClient.get(postern.ports().webAdmin(), path);
        assertThat(answer.status()).as(path).isEqualTo(200);
        return answer.body();
    }

    @Test
    void recipientsShouldBeSplitByNextHopWithTheirRouteRecorded() throws Exception {
        {
            {
                try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
                    smtp.ehlo();
                    String reply = smtp.sendMail("sender@example.test", List.of("a@dest.test", "b@corp.test", "c@dest.test"),
                        "Subject: routed\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertThat(reply).startsWith("250 2.6.0");
                }
                MailRepositoryProbeImpl repositories = postern.probe(MailRepositoryProbeImpl.class);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> routedMails(repositories).size() == 2);

                Map<String, Mail> byNextHop = new HashMap<>();
                for (Mail mail : routedMails(repositories)) {
                    byNextHop.put(attribute(mail, RoutingAttributes.NEXT_HOP), mail);
                }

                assertThat(byNextHop).containsOnlyKeys("mx:dest.test", "smtp:[127.0.0.30]:2525");
                Mail viaMx = byNextHop.get("mx:dest.test");
                assertThat(viaMx.getRecipients()).extracting(Object::toString).containsExactlyInAnyOrder("a@dest.test", "c@dest.test");
                assertThat(attribute(viaMx, RoutingAttributes.ROUTE))
                    .isEqualTo("entry (default); hosts mx1.dest.test[127.0.0.21] mx2.dest.test[127.0.0.22] port 25");
                Mail viaTable = byNextHop.get("smtp:[127.0.0.30]:2525");
                assertThat(viaTable.getRecipients()).extracting(Object::toString).containsExactly("b@corp.test");
                assertThat(attribute(viaTable, RoutingAttributes.ROUTE)).startsWith("entry corp.test (transport.xml:1)");
            }
        }
    }

    /** The mails in relay-pending from the split test (other tests leave theirs there too). */
    private static List<Mail> routedMails(MailRepositoryProbeImpl repositories) throws Exception {
        return repositories.listMailKeys(RELAY_PENDING).stream().map(key -> mailOrNull(key)).filter(java.util.Objects::nonNull)
            .filter(mail -> mail.getRecipients().stream().map(Object::toString).anyMatch(r -> r.endsWith("@dest.test") || r.endsWith("@corp.test")))
            .toList();
    }

    private static String attribute(Mail mail, org.apache.mailet.AttributeName name) {
        return mail.getAttribute(name).flatMap(attribute -> attribute.getValue().valueAs(String.class)).orElse(null);
    }
}
