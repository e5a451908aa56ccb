package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's contract: a wrong command line or conf file gives exit status 2 and one line on stderr. */
class LauncherExitStatusTest {
    @TempDir
    Path work;

    @Test
    void anUnknownFlagShouldExitWithStatus2AndOneLine() throws Exception {
        Result result = run("start", "--conf", work.toString(), "--data", work.toString(), "--verbose");

        assertThat(result.status).isEqualTo(2);
        assertThat(result.output).hasSize(1);
        assertThat(result.output.get(0)).startsWith("postern: unknown flag '--verbose'");
    }

    @Test
    void aBrokenDatabaseSettingShouldExitWithStatus2NamingFileKeyAndValue() throws Exception {
        Path conf = ChildPostern.loopbackConf(work.resolve("conf"), Ports.free());
        Path database = conf.resolve("james-database.properties");
        Files.writeString(database, Files.readString(database).replace("org.apache.derby.jdbc.EmbeddedDriver", "org.example.Missing"));

        Result result = run("start", "--conf", conf.toString(), "--data", work.resolve("data").toString());

        assertThat(result.status).isEqualTo(2);
        assertThat(result.output).last().asString()
            .startsWith("postern: ")
            .contains("james-database.properties: <database.driverClassName> = 'org.example.Missing'");
    }

    @Test
    void aBrokenRelayDomainsFileShouldExitWithStatus2NamingFileElementAndValue() throws Exception {
        Path conf = ChildPostern.loopbackConf(work.resolve("conf"), Ports.free());
        Files.writeString(conf.resolve("relaydomains.xml"), "<relaydomains><domain name='partner.test' verify='ldap'/></relaydomains>");

        Result result = run("start", "--conf", conf.toString(), "--data", work.resolve("data").toString());

        assertThat(result.status).isEqualTo(2);
        assertThat(result.output).last().asString()
            .startsWith("postern: ")
            .contains("relaydomains.xml: <domain name=\"partner.test\"> verify = 'ldap': must be list, callout or accept-all");
    }

    @Test
    void theOldEncryptPolicyShouldExitWithStatus2SayingWhatToWriteInstead() throws Exception {
        Path conf = ChildPostern.loopbackConf(work.resolve("conf"), Ports.free());
        Files.writeString(conf.resolve("delivery.xml"), "<delivery><tls policy='encrypt'/></delivery>");

        Result result = run("start", "--conf", conf.toString(), "--data", work.resolve("data").toString());

        assertThat(result.status).isEqualTo(2);
        assertThat(result.output).last().asString().startsWith("postern: ")
            .contains("delivery.xml: <tls@policy> = 'encrypt'").contains("write level=\"verify\"");
    }

    @Test
    void aBrokenRecipientListShouldExitWithStatus2NamingFileLineAndValue() throws Exception {
        Path conf = ChildPostern.loopbackConf(work.resolve("conf"), Ports.free());
        Files.writeString(conf.resolve("relaydomains.xml"), "<relaydomains><domain name='partner.test' verify='list'/></relaydomains>");
        Files.writeString(conf.resolve("relay-recipients.txt"), "alice@partner.test\nbob at partner.test\n");

        Result result = run("start", "--conf", conf.toString(), "--data", work.resolve("data").toString());

        assertThat(result.status).isEqualTo(2);
        assertThat(result.output).last().asString()
            .contains("relay-recipients.txt:2: 'bob at partner.test': not an address");
    }

    @Test
    void aBrokenAdminRouteFileShouldExitWithStatus2NamingTheFileAndTheProblem() throws Exception {
        Path conf = ChildPostern.loopbackConf(work.resolve("conf"), Ports.free());
        Files.writeString(conf.resolve("routes/archive.xml"), "<routes xmlns=\"http://camel.apache.org/schema/xml-io\">"
            + "<route id=\"archive\"><from uri=\"james-queue:archive\"/><to uri=\"nosuch:folder\"/></route></routes>");

        Result result = run("start", "--conf", conf.toString(), "--data", work.resolve("data").toString());

        assertThat(result.status).isEqualTo(2);
        assertThat(result.output).last().asString()
            .startsWith("postern: start-up failed: routes/archive.xml: ")
            .contains("nosuch");
    }

    @Test
    void anAdminRouteFileThatIsNotXmlShouldExitWithStatus2NamingTheFile() throws Exception {
        Path conf = ChildPostern.loopbackConf(work.resolve("conf"), Ports.free());
        Files.writeString(conf.resolve("routes/webhook.xml"), "<routes><route><from uri=\"james-queue:webhook\"></routes>");

        Result result = run("start", "--conf", conf.toString(), "--data", work.resolve("data").toString());

        assertThat(result.status).isEqualTo(2);
        assertThat(result.output).last().asString().startsWith("postern: start-up failed: routes/webhook.xml: ");
    }

    // ---- the pipeline check at start-up, and bin/postern check (its trial start)

    @Test
    void stockLocalDeliveryShouldStopStartUpWithStatus2NamingFileLineAndTheFix() throws Exception {
        Path conf = ChildPostern.loopbackConf(work.resolve("conf"), Ports.free());
        Path mailets = conf.resolve("mailetcontainer.xml");
        String edited = Files.readString(mailets).replaceFirst("match=\"RecipientIsLocal\" class=\"org.postern.mailbox.LocalDeliveryOnce\"",
            "match=\"RecipientIsLocal\" class=\"LocalDelivery\"");
        Files.writeString(mailets, edited);

        Result result = run("start", "--conf", conf.toString(), "--data", work.resolve("data").toString());

        assertThat(result.status).isEqualTo(2);
        assertThat(result.output).last().asString()
            .startsWith("postern: " + mailets + ":" + lineOf(edited, "class=\"LocalDelivery\"") + ": <mailet match=\"RecipientIsLocal\" class=\"LocalDelivery\">")
            .endsWith("use class=\"org.postern.mailbox.LocalDeliveryOnce\"");
        assertThat(Files.exists(work.resolve("data"))).as("refused before anything was written").isFalse();
    }

    @Test
    void startShouldPrintAWarningAndStartAnyway() throws Exception {
        Ports ports = Ports.free();
        Path conf = ChildPostern.loopbackConf(work.resolve("conf"), ports);
        Path mailets = conf.resolve("mailetcontainer.xml");
        String edited = Files.readString(mailets).replace("</processors>",
            "<processor state=\"quarantine\"><mailet match=\"All\" class=\"Null\"/></processor></processors>");
        Files.writeString(mailets, edited);

        try (ChildPostern child = ChildPostern.start(conf, work.resolve("run").resolve("data"), ports)) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> child.output().contains("postern: ready: "));
            assertThat(child.output()).contains("postern: warning: " + mailets + ":" + lineOf(edited, "state=\"quarantine\"")
                + ": <processor state=\"quarantine\">: nothing sends mail here").contains("postern: ready: ")
                .contains(", webadmin port " + ports.webAdmin() + "\n");
        }
    }

    @Test
    void checkShouldStartAWorkingConfOnTheSideAndPrintItsWarnings() throws Exception {
        Ports ports = Ports.free();
        Path conf = ChildPostern.loopbackConf(work.resolve("conf"), ports);
        // a warning: a processor nothing sends mail to
        Path mailets = conf.resolve("mailetcontainer.xml");
        Files.writeString(mailets, Files.readString(mailets).replace("</processors>",
            "<processor state=\"quarantine\"><mailet match=\"All\" class=\"Null\"/></processor></processors>"));
        // an admin route reading a folder: loaded, never started by a check
        Path pickup = Files.createDirectories(work.resolve("pickup"));
        Files.writeString(pickup.resolve("waiting.eml"), "Subject: not for the check\r\n\r\nbody\r\n");
        Files.writeString(conf.resolve("routes/pickup.xml"), "<routes xmlns=\"http://camel.apache.org/schema/xml-io\">"
            + "<route id=\"pickup\"><from uri=\"file:" + pickup + "?initialDelay=0&amp;delay=50\"/><to uri=\"log:pickup\"/></route></routes>");
        // webadmin with JWT: the trial start keeps the key while it moves webadmin to a free port
        TestJwt jwt = new TestJwt();
        Files.writeString(conf.resolve("jwt_publickey"), jwt.publicKeyPem());
        Files.writeString(conf.resolve("webadmin.properties"), Files.readString(conf.resolve("webadmin.properties"))
            .replace("jwt.enabled=false", "jwt.enabled=true\njwt.publickeypem.url=file://conf/jwt_publickey"));

        Result result;
        try (java.net.ServerSocket taken = new java.net.ServerSocket(ports.smtp(), 1, java.net.InetAddress.getByName(Ports.HOST));
             java.net.ServerSocket takenToo = new java.net.ServerSocket(ports.webAdmin(), 1, java.net.InetAddress.getByName(Ports.HOST))) {
            result = run("check", "--conf", conf.toString());
        }

        assertThat(result.status).as(result.toString()).isEqualTo(0);
        assertThat(result.stdout).containsExactly("postern: check: " + conf + ": no errors, 1 warning(s); a trial start on a "
            + "scratch data directory succeeded");
        assertThat(result.output).anySatisfy(line -> assertThat(line).startsWith("postern: warning: " + mailets + ":")
            .contains("<processor state=\"quarantine\">: nothing sends mail here"));
        assertThat(pickup.resolve("waiting.eml")).as("the admin route did not run").exists();
    }

    @Test
    void checkShouldNameAMailetThatFailsToInitialiseWithItsLine() throws Exception {
        Path conf = ChildPostern.loopbackConf(work.resolve("conf"), Ports.free());
        Path mailets = conf.resolve("mailetcontainer.xml");
        String edited = Files.readString(mailets).replace("<directAttempts>10</directAttempts>", "<directAttempts>ten</directAttempts>");
        Files.writeString(mailets, edited);

        Result result = run("check", "--conf", conf.toString());

        assertThat(result.status).isEqualTo(2);
        assertThat(result.output).last().asString()
            .isEqualTo("postern: check: start-up failed: " + mailets + ":" + lineOf(edited, "class=\"org.postern.queue.HandOffToOutbound\"")
                + ": <mailet class=\"org.postern.queue.HandOffToOutbound\">: org.postern.queue.HandOffToOutbound: 'directAttempts' = 'ten': "
                + "must be a whole number, 0 or more");
    }

    @Test
    void checkShouldFindAnUnknownElementOfAPosternHandler() throws Exception {
        Path conf = ChildPostern.loopbackConf(work.resolve("conf"), Ports.free());
        Path smtp = conf.resolve("smtpserver.xml");
        Files.writeString(smtp, Files.readString(smtp).replaceFirst("<maxFailures>3</maxFailures>", "<maxFailure>3</maxFailure>"));

        Result result = run("check", "--conf", conf.toString());

        assertThat(result.status).isEqualTo(2);
        assertThat(result.output).last().asString().startsWith("postern: check: start-up failed: smtpserver.xml: "
            + "<handler class=\"org.postern.smtp.StrictAuthCmdHandler\"> has an unknown element <maxFailure>; known: maxFailures");
    }

    @Test
    void checkShouldRefuseData() throws Exception {
        Result result = run("check", "--conf", work.toString(), "--data", work.toString());

        assertThat(result.status).isEqualTo(2);
        assertThat(result.output).containsExactly("postern: check takes no --data: it starts on a scratch data directory; "
            + LaunchOptions.USAGE);
    }

    private static int lineOf(String text, String anchor) {
        return (int) text.substring(0, text.indexOf(anchor)).chars().filter(c -> c == '\n').count() + 1;
    }

    private record Result(int status, List<String> output, List<String> stdout) {
    }

    private Result run(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Dlogback.configurationFile=" + Path.of("src/test/resources/logback-quiet.xml").toAbsolutePath(),
            "-cp", System.getProperty("java.class.path"), PosternServerMain.class.getName()));
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile(work, "stdout", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the launcher did not exit");
        }
        return new Result(process.exitValue(), stderr.lines().filter(line -> !line.isBlank()).toList(),
            Files.readAllLines(stdout).stream().filter(line -> line.startsWith("postern:")).toList());
    }
}
