package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.testing.ScriptedSmtpPeer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Queue control over webadmin, through the running server and its real outbound queue: mail deferred once by a
 * scripted next hop waits an hour for its next try; list, hold, release, flush, delete, bounce and re-route it
 * over HTTP and watch what the next hop (or the fallback host, or the sender's mailbox) receives.
 */
class QueueControlTest {
    static final String SENDER = "sender@example.test";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    static ScriptedSmtpPeer next;
    static ScriptedSmtpPeer fallback;
    static InJvmPostern postern;

    @BeforeAll
    static void start() throws Exception {
        next = ScriptedSmtpPeer.start("127.0.0.91", 0);
        for (String recipient : List.of("list1@list.q.test", "held@hold.q.test", "control@hold.q.test", "gone@del.q.test",
            "control@del.q.test", "bnc@bounce.q.test", "rr@reroute.q.test")) {
            next.on("RCPT", "<" + recipient + ">", "451 4.3.0 not now", 1);
        }
        fallback = ScriptedSmtpPeer.start("127.0.0.92", 0);
        Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
        StringBuilder domains = new StringBuilder("<relaydomains>");
        for (String domain : List.of("list", "hold", "del", "bounce", "reroute")) {
            domains.append("<domain name='").append(domain).append(".q.test' verify='accept-all'/>");
        }
        Files.writeString(conf.resolve("relaydomains.xml"), domains + "</relaydomains>");
        Files.writeString(conf.resolve("transport.xml"),
            "<transport><route domain='.q.test' action='smtp:[127.0.0.91]:" + next.port() + "'/></transport>");
        // deferred mail waits an hour for its next try: only queue control moves it; the outbound queue has another
        // name, which the hand-off (every mail through the queue: no direct attempts), the routes and queue control take
        Files.writeString(conf.resolve("delivery.xml"), "<delivery><queue>relayed</queue><heloName>postern.test</heloName>"
            + "<retry><first>1h</first></retry></delivery>");
        Path mailets = conf.resolve("mailetcontainer.xml");
        String pipeline = Files.readString(mailets);
        assertThat(pipeline).contains("<directAttempts>10</directAttempts>");
        Files.writeString(mailets, pipeline.replace("<directAttempts>10</directAttempts>", "<directAttempts>0</directAttempts>"));
        postern = InJvmPostern.start(conf, work.resolve("data")).withUser("example.test", SENDER, "pw");
    }

    @AfterAll
    static void stop() {
        postern.close();
        next.close();
        fallback.close();
    }

    @Test
    void theListShouldShowADeferredMailWithItsAttemptsLastReplyAndNextHopAndFilter() throws Exception {
        String id = deferred("list1@list.q.test", "listed");

        JsonNode mail = find(list("?domain=list.q.test"), id).orElseThrow();
        assertThat(mail.get("sender").asText()).isEqualTo(SENDER);
        assertThat(mail.get("recipients").toString()).isEqualTo("[\"list1@list.q.test\"]");
        assertThat(mail.get("attempts").asInt()).isEqualTo(1);
        assertThat(mail.get("lastReply").asText()).contains("[127.0.0.91]:" + next.port() + " said: 451 4.3.0 not now");
        assertThat(mail.get("nextHop").asText()).isEqualTo("smtp:[127.0.0.91]:" + next.port());
        assertThat(mail.get("held").asBoolean()).isFalse();
        assertThat(Instant.parse(mail.get("nextAttempt").asText())).isAfter(Instant.now().plus(Duration.ofMinutes(30)));

        assertThat(find(list(""), id)).isPresent();
        assertThat(find(list("?sender=" + SENDER), id)).isPresent();
        assertThat(find(list("?sender=someone.else@example.test"), id)).isEmpty();
        assertThat(find(list("?domain=other.test"), id)).isEmpty();
        assertThat(find(list("?domain=q.test"), id)).as("a domain, not its parent").isEmpty();

        assertThat(get("?domain=not_a%20domain").status()).isEqualTo(400);
        assertThat(get("?sender=nobody").status()).isEqualTo(400);
        assertThat(get("?limit=0").status()).isEqualTo(400);
        assertThat(get("?queue=outbound").status()).isEqualTo(400);
    }

    @Test
    void aHeldMailShouldStayQueuedThroughAFlushUntilReleased() throws Exception {
        String held = deferred("held@hold.q.test", "held mail");
        deferred("control@hold.q.test", "not held");

        assertThat(post("/" + held + "/hold").status()).isEqualTo(200);
        JsonNode listed = find(list("?domain=hold.q.test"), held).orElseThrow();
        assertThat(listed.get("held").asBoolean()).isTrue();
        assertThat(listed.get("nextAttempt").isNull()).isTrue();

        WebAdminClient.Answer flush = post("/flush?domain=hold.q.test");
        assertThat(flush.status()).isEqualTo(200);
        assertThat(JSON.readTree(flush.body()).get("flushed").asInt()).isEqualTo(1);
        awaitReceived(next, "not held");
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp(), "127.0.0.1")) {
            smtp.ehlo();
            smtp.sendExpect("ETRN hold.q.test", "251");
        }
        assertThat(received(next, "held mail")).isEmpty();
        assertThat(find(list("?domain=hold.q.test"), held)).isPresent();

        assertThat(post("/" + held + "/release").status()).isEqualTo(200);
        assertThat(awaitReceived(next, "held mail").recipients()).containsExactly("held@hold.q.test");
        assertThat(received(next, "held mail")).hasSize(1);
        assertThat(post("/" + held + "/release").status()).as("no longer queued").isEqualTo(404);
        assertThat(post("/Mail-no-such-id/hold").status()).isEqualTo(404);
        assertThat(post("/bad%20id/hold").status()).isEqualTo(400);
    }

    @Test
    void aDeletedMailShouldLeaveTheQueueUndelivered() throws Exception {
        String gone = deferred("gone@del.q.test", "deleted mail");
        deferred("control@del.q.test", "kept mail");

        assertThat(send(HttpRequest.newBuilder(uri("/" + gone)).DELETE()).status()).isEqualTo(200);
        assertThat(send(HttpRequest.newBuilder(uri("/" + gone)).DELETE()).status()).isEqualTo(404);
        assertThat(find(list("?domain=del.q.test"), gone)).isEmpty();

        WebAdminClient.Answer flush = post("/flush");
        assertThat(flush.status()).isEqualTo(200);
        assertThat(JSON.readTree(flush.body()).get("flushed").asInt()).isGreaterThanOrEqualTo(1);
        awaitReceived(next, "kept mail");
        assertThat(received(next, "deleted mail")).isEmpty();
        assertThat(list("?domain=del.q.test")).isEmpty();
    }

    @Test
    void aBouncedMailShouldLeaveTheQueueAndItsSenderGetAFailureDsn() throws Exception {
        String id = deferred("bnc@bounce.q.test", "bounced now");

        assertThat(post("/" + id + "/bounce").status()).isEqualTo(200);

        String dsn = senderMessageContaining("Final-Recipient: rfc822; bnc@bounce.q.test");
        assertThat(dsn).containsIgnoringCase("Content-Type: multipart/report; report-type=delivery-status")
            .contains("Action: failed")
            .contains("Status: 5.0.0")
            .contains("bounced by the administrator")
            .contains("X-Postern-Queue-ID: " + id)
            .contains("Subject: bounced now");
        assertThat(find(list("?domain=bounce.q.test"), id)).isEmpty();
        assertThat(post("/" + id + "/bounce").status()).isEqualTo(404);
        assertThat(received(next, "bounced now")).isEmpty();
    }

    @Test
    void reroutingADomainShouldDeliverItsQueuedMailToTheNewNextHopNow() throws Exception {
        String id = deferred("rr@reroute.q.test", "rerouted mail");
        String target = "smtp:[127.0.0.92]:" + fallback.port();

        WebAdminClient.Answer answer = post("/reroute?domain=reroute.q.test&nextHop=" + encode(target));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).get("rerouted").asInt()).isEqualTo(1);
        assertThat(awaitReceived(fallback, "rerouted mail").recipients()).containsExactly("rr@reroute.q.test");
        assertThat(received(next, "rerouted mail")).isEmpty();
        assertThat(find(list("?domain=reroute.q.test"), id)).isEmpty();

        assertThat(post("/reroute?domain=reroute.q.test").status()).isEqualTo(400);
        assertThat(post("/reroute?nextHop=" + encode(target)).status()).isEqualTo(400);
        assertThat(post("/reroute?domain=reroute.q.test&nextHop=local").status()).isEqualTo(400);
        assertThat(post("/reroute?domain=reroute.q.test&nextHop=smtp:%5Bhost%5D:99999").status()).isEqualTo(400);
    }

    /** Sends a mail that the next hop defers once, and waits until it is back in the queue, due in an hour. */
    private static String deferred(String recipient, String subject) throws Exception {
        String id;
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
            smtp.ehlo();
            String reply = smtp.sendMail(SENDER, List.of(recipient),
                ("Subject: " + subject + "\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(reply).startsWith("250 2.6.0");
            id = ChildPostern.queueIds(reply).get(0);
        }
        String domain = recipient.substring(recipient.indexOf('@') + 1);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
            .until(() -> find(list("?domain=" + domain), id).map(mail -> mail.get("attempts").asInt() == 1).orElse(false));
        return id;
    }

    private static List<JsonNode> list(String query) throws Exception {
        WebAdminClient.Answer answer = get(query);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        List<JsonNode> mails = new ArrayList<>();
        JSON.readTree(answer.body()).forEach(mails::add);
        return mails;
    }

    private static Optional<JsonNode> find(List<JsonNode> mails, String id) {
        return mails.stream().filter(mail -> mail.get("id").asText().equals(id)).findFirst();
    }

    private static WebAdminClient.Answer get(String query) throws Exception {
        return WebAdminClient.get(postern.ports().webAdmin(), "/postern/queue" + query);
    }

    private static WebAdminClient.Answer post(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private static WebAdminClient.Answer send(HttpRequest.Builder request) throws Exception {
        return WebAdminClient.send(request.build());
    }

    private static java.net.URI uri(String path) {
        return WebAdminClient.uri(postern.ports().webAdmin(), "/postern/queue" + path);
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static List<ScriptedSmtpPeer.Message> received(ScriptedSmtpPeer peer, String subject) {
        return peer.messages().stream().filter(message -> message.text().contains("Subject: " + subject + "\r\n")).toList();
    }

    private static ScriptedSmtpPeer.Message awaitReceived(ScriptedSmtpPeer peer, String subject) {
        try {
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() -> !received(peer, subject).isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("'" + subject + "' not received by " + peer.host() + "; it got "
                + peer.messages().stream().map(ScriptedSmtpPeer.Message::text).toList() + "; commands " + peer.commands(), e);
        }
        return received(peer, subject).get(0);
    }

    private static String senderMessageContaining(String text) {
        String[] found = new String[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            try (Pop3Client pop3 = Pop3Client.login(Ports.HOST, postern.ports().pop3(), SENDER, "pw")) {
                for (int i = 1; i <= pop3.count(); i++) {
                    String message = new String(pop3.message("RETR " + i), StandardCharsets.ISO_8859_1);
                    if (message.contains(text)) {
                        found[0] = message;
                        return true;
                    }
                }
            }
            return false;
        });
        return found[0];
    }
}
