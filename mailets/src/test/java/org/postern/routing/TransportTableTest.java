package org.postern.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

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
    void credentialsShouldImplyRequiredTls() throws Exception {
        NextHop.Relay relay = (NextHop.Relay) table(TABLE).lookup("partner.test").nextHop();

        assertThat(relay.requireTls()).isTrue();
        assertThat(relay.credentials()).contains(new NextHop.Credentials("gw", "pw"));
        assertThat(relay.credentials().get().toString()).doesNotContain("pw");
        assertThat(relay.lookupMx()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<route domain='a.test' action='smtp:[h'/>                | transport.xml:2: <route domain=\"a.test\" action> 'smtp:[h': expected mx",
        "<route domain='a.test' action='smtp:[h]:70000'/>         | transport.xml:2: <route domain=\"a.test\" action> 'smtp:[h]:70000': port must be 1-65535",
        "<route domain='a.test' action='error:2.0.0 fine'/>       | transport.xml:2: <route domain=\"a.test\" action> 'error:2.0.0 fine': expected mx",
        "<route action='mx'/>                                     | transport.xml:2: <route domain> is required",
        "<route domain='a.test' action='mx' user='u'/>            | transport.xml:2: <route domain=\"a.test\" action> 'mx': user, password and tls apply to smtp: actions only",
        "<route domain='a.test' action='smtp:h' user='u' password='p' tls='may'/> | transport.xml:2: <route domain=\"a.test\" action> 'smtp:h': credentials are only sent over TLS",
        "<rule domain='a.test' action='mx'/>                      | transport.xml:2: <rule> only <route> elements may appear",
        "<route domain='a.test' action='mx'/><route domain='A.test' action='local'/> | transport.xml:2: <route domain=\"A.test\"> duplicate of line 2",
        "<route domain='a.test' action='mx'>                      | transport.xml:3: not well-formed XML"})
    void mistakesShouldNameTheLineAndValue(String body, String message) {
        assertThatThrownBy(() -> table("<transport>\n" + body + "\n</transport>"))
            .isInstanceOf(TransportTable.InvalidTableException.class)
            .hasMessageStartingWith(message);
    }

    @Test
    void relayWithoutPortShouldUse25() {
        assertThat(NextHop.parse("smtp:[192.0.2.1]")).isEqualTo(new NextHop.Relay("192.0.2.1", 25, false, Optional.empty(), false));
    }
}
