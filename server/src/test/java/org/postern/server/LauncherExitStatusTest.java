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

    private record Result(int status, List<String> output) {
    }

    private Result run(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Dlogback.configurationFile=" + Path.of("src/test/resources/logback-quiet.xml").toAbsolutePath(),
            "-cp", System.getProperty("java.class.path"), PosternServerMain.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the launcher did not exit");
        }
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.exitValue(), stderr.lines().filter(line -> !line.isBlank()).toList());
    }
}
