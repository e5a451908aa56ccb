package org.postern.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.smtp.client.Credentials;
import org.postern.smtp.client.TlsLevel;

/** Table precedence as a golden table (Postfix's transport.in/transport.ref, in JUnit form). */
class TransportTableTest {
    static final String TABLE = String.join("\n",
        "<transport>",
        "  <route domain='example.com' action='smtp:[10.0.0.5]:2525'/>",
        "  <route domain='.example.com' action='mx'/>",
        "  <route domain='.deep.example.com' action='local'/>",
        "  <route domain='partner.test' action='smtp:relay.partner.test' user='gw' password='pw'/>",
        "  <route domain='old.test' action='error:5.1.2 This domain no longer receives mail'/>",
        "  <route domain='drop.test' action='discard'/>",
        "  <route domain='*' action='smtp:[smarthost.test]:587'/>",
        "</transport>");

    static TransportTable table(String xml) throws Exception {
        return TransportTable.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "transport.xml");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "example.com            | example.com       | smtp:[10.0.0.5]:2525 | 2",
        "EXAMPLE.com.           | example.com       | smtp:[10.0.0.5]:2525 | 2",
        "a.example.com          | .example.com      | mx                   | 3",
        "x.deep.example.com     | .deep.example.com | local                | 4",
        "deep.example.com       | .example.com      | mx                   | 3",
        "partner.test           | partner.test      | smtp:relay.partner.test:25 | 5",
        "old.test               | old.test          | error:5.1.2 This domain no longer receives mail | 6",
        "drop.test              | drop.test         | discard              | 7",
        "elsewhere.org          | *                 | smtp:[smarthost.test]:587 | 8",
        "notexample.com         | *                 | smtp:[smarthost.test]:587 | 8"})
    void lookupShouldPreferTheMostSpecificEntry(String domain, String pattern, String action, int line) throws Exception {
        TransportTable.Entry entry = table(TABLE).lookup(domain);

        assertThat(entry.pattern()).isEqualTo(pattern);
        assertThat(entry.nextHop().asString()).isEqualTo(action);
        assertThat(entry.line()).isEqualTo(line);
    }

    @Test
    void withoutADefaultEntryTheAnswerShouldBeMx() throws Exception {
        assertThat(table("<transport/>").lookup("any.test")).isEqualTo(TransportTable.Entry.DEFAULT);
    }

    @Test
    void credentialsShouldImplyTheEncryptLevel() throws Exception {
        TransportTable.Entry entry = table(TABLE).lookup("partner.test");

        assertThat(entry.options().tls()).contains(TlsLevel.ENCRYPT);
        assertThat(entry.options().credentials()).contains(new Credentials("gw", "pw"));
        assertThat(entry.options().credentials().get().toString()).doesNotContain("pw");
        assertThat(((NextHop.Relay) entry.nextHop()).lookupMx()).isTrue();
    }

    @Test
    void aPasswordFileShouldBeReadRelativeToTheTablesFolder(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("isp.secret"), "s3cret\n");
        String xml = "<transport><route domain='p.test' action='smtp:[smtp.isp.test]:587' user='gw' passwordFile='isp.secret' "
            + "tls='secure' tlsMatch='isp.test:.isp.test'/></transport>";

        TransportTable.Entry entry = TransportTable.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)),
            "transport.xml", folder).lookup("p.test");

        assertThat(entry.options().credentials()).contains(new Credentials("gw", "s3cret"));
        assertThat(entry.options().tls()).contains(TlsLevel.SECURE);
        assertThat(entry.options().tlsMatch()).containsExactly("isp.test", ".isp.test");
    }

    @Test
    void routeOptionsShouldApplyToMxAndLmtpRoutesToo() throws Exception {
        TransportTable table = table("<transport><route domain='bank.test' action='mx' tls='dane' sourceAddress='127.0.0.9'/>"
            + "<route domain='box.test' action='lmtp:[127.0.0.1]:2424' tls='none'/>"
            + "<route domain='archive.test' action='camel:direct:archive'/></transport>");

        assertThat(table.lookup("bank.test").options().tls()).contains(TlsLevel.DANE);
        assertThat(table.lookup("bank.test").options().sourceAddress()).contains(InetAddress.getByName("127.0.0.9"));
        assertThat(table.lookup("box.test").nextHop()).isEqualTo(new NextHop.Lmtp("127.0.0.1", 2424));
        assertThat(table.lookup("box.test").options().tls()).contains(TlsLevel.NONE);
        assertThat(table.lookup("archive.test").nextHop()).isEqualTo(new NextHop.Camel("direct:archive"));
    }

    @Test
    void theEntryBehindARecordedNextHopShouldBeFoundEvenAfterAChange() throws Exception {
        TransportTable table = table("<transport><route domain='a.test' action='smtp:[h.test]:25' user='u' password='p'/>"
            + "<route domain='b.test' action='mx' tls='dane'/></transport>");

        assertThat(table.entryFor(NextHop.parse("smtp:[h.test]:25"), "a.test").options().credentials()).isPresent();
        assertThat(table.entryFor(NextHop.parse("smtp:[h.test]:25"), "elsewhere.test").options().credentials()).isPresent();
        assertThat(table.entryFor(NextHop.parse("mx:b.test"), "b.test").options().tls()).contains(TlsLevel.DANE);
        assertThat(table.entryFor(NextHop.parse("mx:c.test"), "c.test")).isEqualTo(TransportTable.Entry.DEFAULT);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<route domain='a.test' action='smtp:[h'/>                | transport.xml:2: <route domain=\"a.test\" action> 'smtp:[h': expected mx",
        "<route domain='a.test' action='smtp:[h]:70000'/>         | transport.xml:2: <route domain=\"a.test\" action> 'smtp:[h]:70000': port must be 1-65535",
        "<route domain='a.test' action='error:2.0.0 fine'/>       | transport.xml:2: <route domain=\"a.test\" action> 'error:2.0.0 fine': expected mx",
        "<route action='mx'/>                                     | transport.xml:2: <route domain> is required",
        "<route domain='a.test' action='local' tls='may'/>        | transport.xml:2: <route domain=\"a.test\" action=\"local\"> user, password, passwordFile, tls, tlsMatch and sourceAddress apply to mx, smtp: and lmtp: routes only",
        "<route domain='a.test' action='mx' user='u'/>            | transport.xml:2: <route domain=\"a.test\" action=\"mx\"> user=\"u\" needs either password or passwordFile",
        "<route domain='a.test' action='smtp:h' user='u' password='p' tls='may'/> | transport.xml:2: <route domain=\"a.test\" action=\"smtp:h\"> tls=\"may\": credentials are only sent over TLS",
        "<route domain='a.test' action='smtp:h' user='u' password='p' passwordFile='f'/> | transport.xml:2: <route domain=\"a.test\" action=\"smtp:h\"> user=\"u\" needs either password or passwordFile (one of them)",
        "<route domain='a.test' action='smtp:h' user='u' passwordFile='missing.secret'/> | transport.xml:2: <route domain=\"a.test\" action=\"smtp:h\"> passwordFile=\"missing.secret\": cannot read",
        "<route domain='a.test' action='smtp:h' tls='required'/>  | transport.xml:2: <route domain=\"a.test\" action=\"smtp:h\"> tls=\"required\" is no longer accepted: write tls=\"encrypt\"",
        "<route domain='a.test' action='smtp:h' tls='always'/>    | transport.xml:2: <route domain=\"a.test\" action=\"smtp:h\"> tls=\"always\": must be none, may, encrypt, verify, secure or dane",
        "<route domain='a.test' action='smtp:h' tls='may' tlsMatch='h'/> | transport.xml:2: <route domain=\"a.test\" action=\"smtp:h\"> tlsMatch=\"h\" applies to tls=\"verify\" or tls=\"secure\" only",
        "<route domain='a.test' action='smtp:h' sourceAddress='192.0.2.77'/> | transport.xml:2: <route domain=\"a.test\" action=\"smtp:h\"> sourceAddress=\"192.0.2.77\": must be an address of this host",
        "<route domain='a.test' action='smtp:h' sourceAddress='gw.test'/> | transport.xml:2: <route domain=\"a.test\" action=\"smtp:h\"> sourceAddress=\"gw.test\": must be an IP address of this host",
        "<route domain='a.test' action='smtp:h' passwd='p'/>      | transport.xml:2: <route domain=\"a.test\"> unknown attribute passwd",
        "<route domain='a.test' action='lmtp:h:24'/>              | transport.xml:2: <route domain=\"a.test\" action> 'lmtp:h:24': expected mx",
        "<route domain='a.test' action='mx:b.test'/>              | transport.xml:2: <route domain=\"a.test\" action> 'mx:b.test': expected mx, smtp:[host]:port, smtp:host:port, lmtp:[host]:port, camel:endpoint, local, discard or error:5.x.x text ('mx:b.test' is what routing records)",
        "<route domain='a.test' action='error'/>                  | transport.xml:2: <route domain=\"a.test\" action> 'error': expected mx",
        "<rule domain='a.test' action='mx'/>                      | transport.xml:2: <rule> only <route> elements may appear",
        "<route domain='a.test' action='mx'/><route domain='A.test' action='local'/> | transport.xml:2: <route domain=\"A.test\"> duplicate of line 2",
        "<route domain='a.test' action='mx'>                      | transport.xml:3: not well-formed XML"})
    void mistakesShouldNameTheLineAndValue(String body, String message) {
        assertThatThrownBy(() -> table("<transport>\n" + body + "\n</transport>"))
            .isInstanceOf(TransportTable.InvalidTableException.class)
            .hasMessageStartingWith(message);
    }

    @Test
    void mxHostsShouldBeReachedOnPort25UnlessTheTableSaysOtherwise() throws Exception {
        assertThat(table("<transport/>").mxPort()).isEqualTo(25);
        assertThat(TransportTable.EMPTY.mxPort()).isEqualTo(25);
        assertThat(table("<transport mxPort='2525'/>").mxPort()).isEqualTo(2525);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<transport mxPort='0'/>      | transport.xml:1: <transport mxPort> '0': must be a port number from 1 to 65535",
        "<transport mxPort='smtp'/>   | transport.xml:1: <transport mxPort> 'smtp': must be a port number from 1 to 65535",
        "<transport port='2525'/>     | transport.xml:1: <transport> unknown attribute port; known: [mxPort]"})
    void aBadMxPortShouldNameTheAttributeAndValue(String xml, String message) {
        assertThatThrownBy(() -> table(xml))
            .isInstanceOf(TransportTable.InvalidTableException.class)
            .hasMessageStartingWith(message);
    }

    @Test
    void relayWithoutPortShouldUse25() {
        assertThat(NextHop.parse("smtp:[192.0.2.1]")).isEqualTo(new NextHop.Relay("192.0.2.1", 25, false));
    }

    @Test
    void lmtpWithoutPortShouldUse24() {
        assertThat(NextHop.parse("lmtp:[mailstore.test]")).isEqualTo(new NextHop.Lmtp("mailstore.test", 24));
        assertThat(NextHop.parse("lmtp:[mailstore.test]").asString()).isEqualTo("lmtp:[mailstore.test]:24");
    }
}
