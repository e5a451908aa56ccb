package org.postern.server.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table of broken configurations: each row breaks one thing in a copy of the shipped conf and names what the
 * check must say, where (the file and line of the edited element, or the element path), and the fix it gives.
 * Start-up and {@code bin/postern check} both run this check (LauncherExitStatusTest drives them).
 */
class ConfigurationCheckTest {
    static final Path SHIPPED_CONF = Path.of("..", "james-conf").toAbsolutePath().normalize();

    @TempDir
    Path work;

    /**
     * {@code find} (a regular expression, first match) is replaced by {@code replace} in {@code file}; the finding must
     * start with the file and the line of {@code anchor} in the edited file (no anchor: the message names the element
     * itself) and contain {@code says}.
     */
    record Broken(String name, Finding.Severity severity, String file, String find, String replace, String anchor, String says) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Broken> table() {
        Finding.Severity error = Finding.Severity.ERROR;
        Finding.Severity warning = Finding.Severity.WARNING;
        String mc = PipelineCheck.FILE;
        return Stream.of(
            new Broken("ToProcessor names a processor that does not exist", error, mc,
                "<processor>relay-domain</processor>", "<processor>relay-domian</processor>",
                "RecipientIsInRelayDomain\" class=\"ToProcessor\"",
                "<processor> names processor \"relay-domian\", which does not exist; did you mean \"relay-domain\"?"),
            new Broken("onMailetException names a processor that does not exist", error, mc,
                "(class=\"RemoveMimeHeader\">\\s*<name>bcc</name>\\s*)<onMailetException>ignore", "$1<onMailetException>errors",
                "class=\"RemoveMimeHeader\"", "<onMailetException> names processor \"errors\", which does not exist; did you mean \"error\"?"),
            new Broken("onMatchException names a processor that does not exist (James does not check it)", error, mc,
                "<mailet match=\"RecipientIsLocal\" class=\"AddDeliveredToHeader\"/>",
                "<mailet match=\"RecipientIsLocal\" class=\"AddDeliveredToHeader\"><onMatchException>retry</onMatchException></mailet>",
                "class=\"AddDeliveredToHeader\"", "<onMatchException> names processor \"retry\", which does not exist"),
            new Broken("a mailet class that does not resolve", error, mc,
                "class=\"RemoveMimeHeader\"", "class=\"RemoveMimeHeadr\"", "RemoveMimeHeadr",
                "no such mailet class (looked for RemoveMimeHeadr and org.apache.james.transport.mailets.RemoveMimeHeadr)"),
            new Broken("a matcher class that does not resolve", error, mc,
                "match=\"RecipientIsLocal\" class=\"AddDeliveredToHeader\"", "match=\"RecipientIsLokal\" class=\"AddDeliveredToHeader\"",
                "RecipientIsLokal", "<mailet match=\"RecipientIsLokal\">: no such matcher class (looked for RecipientIsLokal and "
                    + "org.apache.james.transport.matchers.RecipientIsLokal"),
            new Broken("a class that is not a mailet", error, mc,
                "class=\"PostmasterAlias\"", "class=\"java.lang.String\"", "java.lang.String", "java.lang.String is not a mailet"),
            new Broken("James's LocalDelivery, which double-delivers after a crash", error, mc,
                "match=\"RecipientIsLocal\" class=\"org.postern.mailbox.LocalDeliveryOnce\"", "match=\"RecipientIsLocal\" class=\"LocalDelivery\"",
                "class=\"LocalDelivery\"", "James's LocalDelivery stores a mail again when the spool replays it after a crash "
                    + "(a double delivery): use class=\"org.postern.mailbox.LocalDeliveryOnce\""),
            new Broken("a relay processor that does not end with the hand-off", error, mc,
                "<mailet match=\"All\" class=\"org.postern.queue.HandOffToOutbound\">[\\s\\S]*?</mailet>",
                "<mailet match=\"All\" class=\"ToRepository\"><repositoryPath>memory://var/mail/relayed/</repositoryPath></mailet>",
                "memory://var/mail/relayed/", "<processor state=\"relay\">: a relay processor must end with <mailet match=\"All\" "
                    + "class=\"org.postern.queue.HandOffToOutbound\"/>"),
            new Broken("a hand-off to a queue no delivery route reads", error, mc,
                "class=\"org.postern.queue.HandOffToOutbound\">", "class=\"org.postern.queue.HandOffToOutbound\"><queue>outgoing</queue>",
                "class=\"org.postern.queue.HandOffToOutbound\"",
                "<queue> = 'outgoing', but the delivery routes read 'outbound' (delivery.xml <queue>): its mail would never be "
                    + "delivered; make them the same"),
            new Broken("a misspelt element of postern.xml", error, "postern.xml", "<postern>", "<postern><hostName>mx.example.org</hostName>",
                null, "postern.xml: unknown element <hostName>; known at the top: hostname"),
            new Broken("an unknown element of the mailet container", error, mc,
                "<threads>20</threads>", "<thread>20</thread>", "<thread>",
                "<thread> in <spooler>: unknown element; known there: errorRepository, threads"),
            new Broken("an unknown attribute of a mailet", error, mc,
                "<mailet match=\"All\" class=\"PostmasterAlias\"/>", "<mailet matches=\"All\" class=\"PostmasterAlias\"/>",
                "PostmasterAlias", "<mailet matches=…>: unknown attribute; known: class, match, notmatch"),
            new Broken("two processors of one name", error, mc,
                "<processor state=\"rrt-error\" enableJmx=\"false\">", "<processor state=\"error\" enableJmx=\"false\"><!--again-->",
                "<!--again-->", "<processor state=\"error\">: a second processor of this name (the first is on line"),
            new Broken("no error processor", error, mc,
                "<processor state=\"error\"", "<processor state=\"errors\"", "<mailetcontainer ",
                "<processors>: no processor \"error\": James needs one (add <processor state=\"error\">)"),
            new Broken("a processor nothing sends mail to", warning, mc,
                "</processors>", "<processor state=\"quarantine\"><mailet match=\"All\" class=\"Null\"/></processor></processors>",
                "state=\"quarantine\"", "<processor state=\"quarantine\">: nothing sends mail here"),
            new Broken("a mailet after one that takes every mail", warning, mc,
                "<mailet match=\"All\" class=\"PostmasterAlias\"/>", "<mailet match=\"All\" class=\"Null\"/>\n<mailet match=\"All\" class=\"PostmasterAlias\"/>",
                "class=\"PostmasterAlias\"", "never runs: <mailet match=\"All\" class=\"Null\"> on line"),
            new Broken("a processor whose end some mail reaches", warning, mc,
                "<mailet match=\"All\" class=\"ToProcessor\">(\\s*<processor>transport</processor>)",
                "<mailet match=\"SMTPAuthSuccessful\" class=\"ToProcessor\">$1", "SMTPAuthSuccessful",
                "<processor state=\"root\">: its last mailet does not take every mail, and James deletes mail that reaches the end of a "
                    + "processor: end it with"),
            new Broken("delivery.xml: an unknown element inside a known one", error, "delivery.xml",
                "(?s).*", "<delivery><retry><frist>1m</frist></retry></delivery>", null,
                "delivery.xml: unknown element <retry/frist>; known in <retry>: first, giveUpAfter, max"),
            new Broken("relaydomains.xml: an unknown attribute", error, "relaydomains.xml",
                "(?s).*", "<relaydomains><domain name=\"partner.test\" verfy=\"list\"/></relaydomains>", null,
                "relaydomains.xml: unknown attribute <domain@verfy>; known there: name, verify"),
            new Broken("ledger.xml: an unknown element", error, "ledger.xml",
                "(?s).*", "<ledger><retain>30d</retain></ledger>", null,
                "ledger.xml: unknown element <retain>; known at the top: enabled, retention"),
            new Broken("dnsservice.xml: Postern's element misspelt", error, "dnsservice.xml",
                "<autodiscover>true</autodiscover>", "<autodiscover>true</autodiscover><minimumTTL>5s</minimumTTL>", null,
                "dnsservice.xml: unknown element <minimumTTL>; known at the top: authoritative, autodiscover, maxcachesize, minimumTtl"),
            new Broken("transport.xml: an unknown attribute", error, "transport.xml",
                "(?s).*", "<transport>\n<route domain=\"a.test\" action=\"mx\" tsl=\"may\"/>\n</transport>", null,
                "transport.xml:2: <route domain=\"a.test\"> unknown attribute tsl"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void aBrokenConfigurationShouldBeFoundWithItsPlaceAndFix(Broken broken) throws Exception {
        Path conf = copyOfShippedConf();
        Path file = conf.resolve(broken.file());
        String original = Files.exists(file) ? Files.readString(file) : "";
        String edited = original.replaceFirst(broken.find(), broken.replace());
        assertThat(edited).as("the edit applies").isNotEqualTo(original);
        Files.writeString(file, edited);

        List<Finding> findings = ConfigurationCheck.run(conf);

        String place = broken.anchor() == null ? "" : file + ":" + lineOf(edited, broken.anchor()) + ": ";
        assertThat(findings).as(findings.toString()).anySatisfy(finding -> {
            assertThat(finding.severity()).isEqualTo(broken.severity());
            assertThat(finding.text()).startsWith(place).contains(broken.says());
        });
        if (broken.severity() == Finding.Severity.WARNING) {
            assertThat(findings).as("a warning alone does not stop start-up").noneMatch(Finding::isError);
        }
    }

    @Test
    void theShippedConfShouldHaveNeitherErrorsNorWarnings() {
        assertThat(ConfigurationCheck.run(SHIPPED_CONF)).isEmpty();
    }

    @Test
    void aHandOffWithoutAQueueOfItsOwnShouldFollowDeliveryXml() throws Exception {
        Path conf = copyOfShippedConf();
        Path delivery = conf.resolve("delivery.xml");
        String original = Files.readString(delivery);
        Files.writeString(delivery, original.replace("<queue>outbound</queue>", "<queue>outgoing</queue>"));
        assertThat(Files.readString(delivery)).as("the edit applies").isNotEqualTo(original);

        assertThat(ConfigurationCheck.run(conf)).isEmpty();
    }

    @Test
    void everyErrorShouldBeReportedNotOnlyTheFirst() throws Exception {
        Path conf = copyOfShippedConf();
        Path mailets = conf.resolve(PipelineCheck.FILE);
        Files.writeString(mailets, Files.readString(mailets).replace("class=\"RemoveMimeHeader\"", "class=\"RemoveMimeHeadr\"")
            .replace("<processor>relay-denied</processor>", "<processor>relay-denid</processor>"));
        Files.writeString(conf.resolve("ledger.xml"), "<ledger><retain>1d</retain></ledger>");

        List<Finding> errors = ConfigurationCheck.run(conf).stream().filter(Finding::isError).toList();

        assertThat(errors).extracting(Finding::text).anyMatch(text -> text.contains("RemoveMimeHeadr"))
            .anyMatch(text -> text.contains("\"relay-denid\"")).anyMatch(text -> text.startsWith("ledger.xml: unknown element <retain>"));
    }

    @Test
    void aMailetThatFailedToStartShouldBeLocatedByItsClass() throws Exception {
        int line = lineOf(Files.readString(SHIPPED_CONF.resolve(PipelineCheck.FILE)), "class=\"org.postern.queue.HandOffToOutbound\"");

        assertThat(PipelineCheck.locate(SHIPPED_CONF, "mailet", "org.postern.queue.HandOffToOutbound")).contains(
            SHIPPED_CONF.resolve(PipelineCheck.FILE) + ":" + line + ": <mailet class=\"org.postern.queue.HandOffToOutbound\">");
        assertThat(PipelineCheck.locate(SHIPPED_CONF, "mailet", "org.postern.mailbox.LocalDeliveryOnce").orElseThrow())
            .as("used twice").contains("(also used on line ");
        assertThat(PipelineCheck.locate(SHIPPED_CONF, "matcher", "RelayLimit")).isPresent();
        assertThat(PipelineCheck.locate(SHIPPED_CONF, "mailet", "NoSuchMailet")).isEmpty();
    }

    private Path copyOfShippedConf() throws Exception {
        Path conf = work.resolve("conf");
        try (var shipped = Files.walk(SHIPPED_CONF)) {
            for (Path source : shipped.toList()) {
                Path target = conf.resolve(SHIPPED_CONF.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        return conf;
    }

    private static int lineOf(String text, String anchor) {
        int at = text.indexOf(anchor);
        assertThat(at).as("anchor " + anchor).isNotNegative();
        return (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    }
}
