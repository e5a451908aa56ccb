package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.cli.PosternCli;
import org.postern.testing.ScriptedSmtpPeer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * bin/postern's admin commands, each run as bin/postern runs them (a child JVM on the lean class path: the server's
 * classes and jackson-core only) against a running server: the queue (mail deferred once by a scripted next hop
 * waits an hour for its next try), the ledger, explain, users and domains, with their tables, --json and exit status.
 */
class AdminCliTest {
    static final String SENDER = "sender@example.test";
    static final String SMARTHOST_PASSWORD = "s3cret-never-shown";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    static ScriptedSmtpPeer next;
    static ScriptedSmtpPeer fallback;
    static InJvmPostern postern;
    static Path conf;

    @BeforeAll
    static void start() throws Exception {
        next = ScriptedSmtpPeer.start("127.0.0.96", 0);
        for (String recipient : List.of("one@list.cli.test", "led@ledger.cli.test", "held@hold.cli.test", "gone@del.cli.test", "kept@del.cli.test",
            "bnc@bounce.cli.test", "rr@reroute.cli.test")) {
            next.on("RCPT", "<" + recipient + ">", "451 4.3.0 not now", 1);
        }
        fallback = ScriptedSmtpPeer.start("127.0.0.97", 0);
        conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
        Files.writeString(conf.resolve("relaydomains.xml"), "<relaydomains>"
            + "<domain name='list.cli.test' verify='accept-all'/><domain name='hold.cli.test' verify='accept-all'/>"
            + "<domain name='del.cli.test' verify='accept-all'/><domain name='bounce.cli.test' verify='accept-all'/>"
            + "<domain name='reroute.cli.test' verify='accept-all'/><domain name='ledger.cli.test' verify='accept-all'/>"
            + "<domain name='listed.cli.test' verify='list'/></relaydomains>");
        Files.writeString(conf.resolve("relay-recipients.txt"), "alice@listed.cli.test\n");
        Files.writeString(conf.resolve("isp.secret"), SMARTHOST_PASSWORD + "\n");
        Files.writeString(conf.resolve("transport.xml"), "<transport>\n"
            + "<route domain='.cli.test' action='smtp:[127.0.0.96]:" + next.port() + "'/>\n"
            + "<route domain='smarthost.test' action='smtp:[127.0.0.98]:587' user='gw' passwordFile='isp.secret' tls='encrypt'/>\n"
            + "</transport>\n");
        Files.writeString(conf.resolve("delivery.xml"), "<delivery><heloName>postern.test</heloName><retry><first>1h</first></retry></delivery>");
        postern = InJvmPostern.start(conf, work.resolve("data")).withUser("example.test", SENDER, "pw");
    }

    @AfterAll
    static void stop() {
        postern.close();
        next.close();
        fallback.close();
    }

    // ---- queue

    @Test
    void queueListAndShowShouldPrintTheDeferredMailItsLastReplyAndItsHistory() throws Exception {
        String id = deferred("one@list.cli.test", "listed");

        Run list = cli("queue", "list", "--domain", "list.cli.test");
        assertThat(list.status).as(list.toString()).isZero();
        assertThat(list.lines()).first().asString().startsWith("QUEUE ID").contains("NEXT ATTEMPT").contains("RECIPIENTS");
        assertThat(list.out).contains(id).containsPattern("\\(in (59m|1h)\\)").contains("smtp:[127.0.0.96]:" + next.port())
            .contains(SENDER).contains("one@list.cli.test").contains("[127.0.0.96]:" + next.port() + " said: 451 4.3.0 not now)");
        assertThat(list.lines()).last().isEqualTo("-- 1 mail");

        JsonNode json = JSON.readTree(cli("--json", "queue", "list", "--domain", "list.cli.test").out);
        assertThat(json.get(0).get("id").asText()).isEqualTo(id);
        assertThat(json.get(0).get("attempts").asInt()).isEqualTo(1);

        Run show = cli("queue", "show", id);
        assertThat(show.status).as(show.toString()).isZero();
        assertThat(show.lines()).contains("queue id      " + id, "attempts      1", "recipients    one@list.cli.test");
        assertThat(show.out).contains("TIME").contains("arrived").contains("deferred");

        JsonNode both = JSON.readTree(cli("--json", "queue", "show", id).out);
        assertThat(both.get("mail").get("id").asText()).isEqualTo(id);
        assertThat(both.get("ledger").findValuesAsText("event")).contains("arrived", "attempt", "deferred");

        assertThat(cli("queue", "list", "--domain", "nothing.cli.test").out).isEqualTo("the outbound queue is empty (for this filter)\n");
    }

    @Test
    void queueHoldReleaseAndFlushShouldDriveTheQueue() throws Exception {
        String held = deferred("held@hold.cli.test", "held mail");

        assertThat(cli("queue", "hold", held).out).isEqualTo(held + ": held (never delivered until released)\n");
        assertThat(cli("queue", "list", "--domain", "hold.cli.test").out).contains(held + "  held");
        assertThat(cli("queue", "flush", "hold.cli.test").out).isEqualTo("0 deferred mails for hold.cli.test due now\n");

        assertThat(cli("queue", "release", held).out).isEqualTo(held + ": released (due now)\n");
        awaitReceived(next, "held mail");

        Run again = cli("queue", "release", held);
        assertThat(again.status).isEqualTo(1);
        assertThat(again.err).containsExactly("postern: queue release " + held + ": no mail " + held
            + " in the outbound queue (or it is being delivered right now) (404)");
        assertThat(again.out).isEmpty();
    }

    @Test
    void queueDeleteBounceFlushAndRerouteShouldEachSayWhatTheyDid() throws Exception {
        String gone = deferred("gone@del.cli.test", "deleted mail");
        deferred("kept@del.cli.test", "kept mail");
        String bounced = deferred("bnc@bounce.cli.test", "bounced mail");
        deferred("rr@reroute.cli.test", "rerouted mail");

        assertThat(cli("queue", "delete", gone).out).isEqualTo(gone + ": deleted (removed, no notification sent)\n");
        assertThat(cli("queue", "flush", "del.cli.test").out).isEqualTo("1 deferred mail for del.cli.test due now\n");
        awaitReceived(next, "kept mail");
        assertThat(cli("queue", "bounce", bounced).out).isEqualTo(bounced + ": bounced (removed, the sender is sent a failure notice)\n");
        assertThat(cli("queue", "show", bounced).status).isEqualTo(1);
        String target = "smtp:[127.0.0.97]:" + fallback.port();
        assertThat(cli("queue", "reroute", "reroute.cli.test", target).out)
            .isEqualTo("1 mail for reroute.cli.test now go to " + target + " (due now, held mail excepted)\n");
        awaitReceived(fallback, "rerouted mail");

        assertThat(received(next, "deleted mail")).isEmpty();
        assertThat(received(next, "bounced mail")).isEmpty();
        Run bad = cli("queue", "reroute", "reroute.cli.test", "local");
        assertThat(bad.status).isEqualTo(1);
        assertThat(bad.err).containsExactly("postern: queue reroute reroute.cli.test: nextHop 'local': expected smtp:[host]:port, "
            + "smtp:host:port or mx (400)");
    }

    // ---- ledger

    @Test
    void ledgerShouldShowAMailsOrAnAddresssHistory() throws Exception {
        String id = deferred("led@ledger.cli.test", "ledger mail");
        await().atMost(Duration.ofSeconds(20)).until(() -> cli("ledger", id).out.contains("deferred"));

        Run byId = cli("ledger", id);
        assertThat(byId.lines().get(0)).startsWith("TIME").contains("EVENT").doesNotContain("QUEUE ID");
        assertThat(byId.out).contains("arrived").contains("attempt").contains("127.0.0.96[127.0.0.96:" + next.port() + "]")
            .contains("(451 4.3.0 not now)");

        Run byRecipient = cli("ledger", "led@ledger.cli.test");
        assertThat(byRecipient.lines().get(0)).contains("QUEUE ID");
        assertThat(byRecipient.out).contains(id);
        assertThat(cli("ledger", "--sender", SENDER).out).contains(id);
        assertThat(JSON.readTree(cli("--json", "ledger", id).out).findValuesAsText("queueId")).containsOnly(id);
        assertThat(cli("ledger", "Mail-never-seen").out).isEqualTo("no ledger events\n");
    }

    // ---- explain

    @Test
    void explainShouldGiveTheVerdictAtRcptWithTheRuleThatDecided() throws Exception {
        Run local = cli("explain", SENDER);
        assertThat(local.status).as(local.toString()).isZero();
        assertThat(local.lines()).contains("RCPT TO    accepted: 250 2.1.5 Recipient OK", "  rule     local domain: a user of this server",
            "delivery   a mailbox here (LocalDeliveryOnce), after the recipient rewrite table");

        assertThat(cli("explain", "nobody@example.test").lines()).contains(
            "RCPT TO    refused: 550 5.1.1 <nobody@example.test>: Recipient address rejected: no such user here");
        assertThat(cli("explain", "bob@listed.cli.test").lines()).contains(
            "  rule     relay domain, verify=list: not in the recipient list");
        assertThat(cli("explain", "alice@listed.cli.test").out).contains("accepted: 250 2.1.5")
            .contains("next hop   smtp:[127.0.0.96]:" + next.port()).contains("  entry    .cli.test (transport.xml line 2)");
        assertThat(cli("explain", "a%b@example.test").lines()).contains(
            "RCPT TO    refused: 553 5.1.3 Bad recipient address syntax: no routing in the local part");

        Run outsider = cli("explain", "someone@elsewhere.test", "--from", SENDER, "--client", "192.0.2.1");
        assertThat(outsider.lines()).contains("client     192.0.2.1 on smtpserver-mx: not trusted, not authenticated",
            "MAIL FROM  refused: 530 5.7.1 Authentication Required",
            "RCPT TO    refused: 554 5.7.1 Relay access denied",
            "  rule     other domain: relayed only for authenticated clients and trusted networks (<authorizedAddresses>)");
        Run trusted = cli("explain", "someone@elsewhere.test", "--from", SENDER, "--client", "127.0.0.1");
        assertThat(trusted.lines()).contains("client     127.0.0.1 on smtpserver-mx: trusted (in <authorizedAddresses>), not authenticated",
            "MAIL FROM  accepted: 250 2.1.0 Sender <" + SENDER + "> OK", "RCPT TO    accepted: 250 2.1.5 Recipient OK",
            "  rule     other domain: relayed for an authenticated client or a trusted network");
    }

    @Test
    void explainShouldShowTheRouteItsTlsLevelAndCredentialsButNeverThePassword() throws Exception {
        Run smarthost = cli("explain", "someone@smarthost.test", "--client", "127.0.0.1");

        assertThat(smarthost.lines()).contains("next hop   smtp:[127.0.0.98]:587", "  entry    smarthost.test (transport.xml line 3)",
            "  host     127.0.0.98 (preference 0) 127.0.0.98 port 587, tls encrypt",
            "  TLS      encrypt (transport.xml route tls)", "  AUTH     as gw, password set (not shown)", "  source   the system's choice");
        JsonNode json = JSON.readTree(cli("--json", "explain", "someone@smarthost.test").out);
        assertThat(json.get("delivery").get("tls").get("level").asText()).isEqualTo("encrypt");
        assertThat(json.get("delivery").get("credentials").get("user").asText()).isEqualTo("gw");
        assertThat(json.get("rcpt").get("rule").asText()).startsWith("other domain: relayed only for");
        assertThat(smarthost.out + json).doesNotContain(SMARTHOST_PASSWORD);

        Run bad = cli("explain", "not-an-address");
        assertThat(bad.status).isEqualTo(1);
        assertThat(bad.err).containsExactly("postern: explain not-an-address: recipient 'not-an-address' is not an address (400)");
    }

    // ---- users and domains

    @Test
    void usersAndDomainsShouldBeAddedListedAndRemoved() throws Exception {
        assertThat(cli("domains", "add", "cli-accounts.test").out).isEqualTo("added domain cli-accounts.test\n");
        assertThat(cli("domains", "list").lines()).contains("cli-accounts.test");
        assertThat(cli("domains", "add", "cli-accounts.test").err).containsExactly("postern: domains add cli-accounts.test: the domain exists already");

        Run added = cliWithInput("n3w-password\n", "users", "add", "ann@cli-accounts.test");
        assertThat(added.out).as(added.toString()).isEqualTo("added user ann@cli-accounts.test\n");
        assertThat(cli("users", "list").lines()).contains("ann@cli-accounts.test");
        assertThat(JSON.readTree(cli("--json", "users", "list").out).findValuesAsText("username")).contains("ann@cli-accounts.test");
        assertThat(WebAdminClient.send(java.net.http.HttpRequest.newBuilder(WebAdminClient.uri(postern.ports().webAdmin(),
            "/users/ann@cli-accounts.test/verify")).POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"password\":\"n3w-password\"}"))
            .build()).status()).as("the password from stdin is the user's").isEqualTo(204);
        assertThat(cliWithInput("other\n", "users", "add", "ann@cli-accounts.test").err)
            .containsExactly("postern: users add ann@cli-accounts.test: the user exists already");
        assertThat(cliWithInput("", "users", "add", "bob@cli-accounts.test").status).isEqualTo(2);

        assertThat(cli("users", "remove", "ann@cli-accounts.test").out).isEqualTo("removed user ann@cli-accounts.test\n");
        assertThat(cli("users", "list").lines()).doesNotContain("ann@cli-accounts.test");
        Run missing = cli("users", "remove", "ann@cli-accounts.test");
        assertThat(missing.status).isEqualTo(1);
        assertThat(missing.err).containsExactly("postern: users remove ann@cli-accounts.test: no such user");
        assertThat(cli("--json", "domains", "remove", "cli-accounts.test").out).contains("\"result\" : \"removed\"");
        assertThat(cli("domains", "remove", "cli-accounts.test").err).containsExactly("postern: domains remove cli-accounts.test: no such domain");
    }

    // ---- errors

    @Test
    void mistakesShouldExitNonZeroWithOneLine() throws Exception {
        Run unknown = cli("queue", "lst");
        assertThat(unknown.status).isEqualTo(2);
        assertThat(unknown.err).hasSize(1).first().asString().startsWith("postern: unknown queue action 'lst'; queue list");

        assertThat(cli("queue", "hold").err).containsExactly("postern: missing queue id");
        assertThat(cli("explain", "a@b.test", "--form", "x").err).containsExactly("postern: unknown option '--form'");
        assertThat(cli("frobnicate").err).containsExactly("postern: unknown command 'frobnicate'; 'postern help' lists them");
        assertThat(cli("help").out).startsWith("usage: postern [--conf DIR] [--json] COMMAND");

        int closed = FreePorts.take(1)[0];
        Run unreachable = cli(Map.of("POSTERN_WEBADMIN", "http://127.0.0.1:" + closed), "", "queue", "list");
        assertThat(unreachable.status).isEqualTo(1);
        assertThat(unreachable.err).hasSize(1).first().asString().startsWith("postern: cannot reach webadmin at http://127.0.0.1:" + closed)
            .endsWith("is Postern running? (address from POSTERN_WEBADMIN=http://127.0.0.1:" + closed + ")");
    }

    /** --conf finds webadmin in webadmin.properties; with jwt.enabled=true every command needs an admin token. */
    @Test
    void theConfShouldLeadToWebadminAndItsJwtBeHonoured() throws Exception {
        Ports ports = Ports.free();
        Path jwtConf = ChildPostern.loopbackConf(work.resolve("jwt-conf"), ports);
        TestJwt jwt = new TestJwt();
        Files.writeString(jwtConf.resolve("jwt_publickey"), jwt.publicKeyPem());
        Files.writeString(jwtConf.resolve("webadmin.properties"), Files.readString(jwtConf.resolve("webadmin.properties"))
            .replace("jwt.enabled=false", "jwt.enabled=true\njwt.publickeypem.url=file://conf/jwt_publickey"));
        try (ChildPostern child = ChildPostern.start(jwtConf, work.resolve("jwt-run").resolve("data"), ports)) {
            Run withToken = cli(Map.of("POSTERN_WEBADMIN_TOKEN", jwt.adminToken("admin@example.test")), "", "--conf", jwtConf.toString(),
                "domains", "list");
            assertThat(withToken.status).as(withToken.toString()).isZero();

            Run withoutToken = cli(Map.of(), "", "--conf", jwtConf.toString(), "domains", "list");
            assertThat(withoutToken.status).isEqualTo(2);
            assertThat(withoutToken.err).containsExactly("postern: " + jwtConf.resolve("webadmin.properties")
                + ": jwt.enabled=true: webadmin takes admin tokens only; put one in POSTERN_WEBADMIN_TOKEN");

            Run foreignToken = cli(Map.of("POSTERN_WEBADMIN_TOKEN", new TestJwt().adminToken("admin@example.test")), "",
                "--conf", jwtConf.toString(), "domains", "list");
            assertThat(foreignToken.status).isEqualTo(1);
            assertThat(foreignToken.err).containsExactly("postern: domains list: webadmin refused the request (401): give an admin "
                + "token in POSTERN_WEBADMIN_TOKEN");
        }
    }

    // ---- helpers

    record Run(int status, String out, List<String> err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    static Run cli(String... args) throws Exception {
        return cli(Map.of(), "", args);
    }

    static Run cliWithInput(String stdin, String... args) throws Exception {
        return cli(Map.of(), stdin, args);
    }

    /** As bin/postern runs it: its own JVM, on the server's classes and jackson-core only, webadmin from POSTERN_WEBADMIN. */
    static Run cli(Map<String, String> environment, String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", leanClassPath(), PosternCli.class.getName()));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("POSTERN_WEBADMIN_TOKEN");
        Map<String, String> env = new HashMap<>(environment);
        env.putIfAbsent("POSTERN_WEBADMIN", "http://127.0.0.1:" + postern.ports().webAdmin());
        if (Arrays.asList(args).contains("--conf")) {
            env.remove("POSTERN_WEBADMIN");
            builder.environment().remove("POSTERN_WEBADMIN");
        }
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("postern " + String.join(" ", args) + " did not exit");
        }
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8),
            new String(err, StandardCharsets.UTF_8).lines().toList());
    }

    /** The server module's own classes and jackson-core: what bin/postern gives the admin's commands. */
    static String leanClassPath() {
        String jacksonCore = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> Path.of(entry).getFileName().toString().startsWith("jackson-core-")).findFirst().orElseThrow();
        return Path.of("target", "classes").toAbsolutePath() + File.pathSeparator + jacksonCore;
    }

    /** Sends a mail that the next hop defers once, and waits until it is back in the queue, due in an hour. */
    static String deferred(String recipient, String subject) throws Exception {
        String id;
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
            smtp.ehlo();
            String reply = smtp.sendMail(SENDER, List.of(recipient),
                ("Subject: " + subject + "\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(reply).startsWith("250 2.6.0");
            id = ChildPostern.queueIds(reply).get(0);
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            WebAdminClient.Answer answer = WebAdminClient.get(postern.ports().webAdmin(), "/postern/queue/" + id);
            return answer.status() == 200 && JSON.readTree(answer.body()).get("attempts").asInt() == 1;
        });
        return id;
    }

    private static List<ScriptedSmtpPeer.Message> received(ScriptedSmtpPeer peer, String subject) {
        return peer.messages().stream().filter(message -> message.text().contains("Subject: " + subject + "\r\n")).toList();
    }

    private static void awaitReceived(ScriptedSmtpPeer peer, String subject) {
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() -> !received(peer, subject).isEmpty());
    }
}
