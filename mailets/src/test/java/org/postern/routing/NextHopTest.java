package org.postern.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one text form of a next hop: table actions and recorded next hops, parsed and written back. */
class NextHopTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "mx                          | Mx",
        "mx:example.com              | MxOf",
        "smtp:[10.0.0.5]:2525        | Relay",
        "smtp:relay.example:25       | Relay",
        "lmtp:[10.0.0.9]:24          | Lmtp",
        "camel:direct:archive        | Camel",
        "local                       | Local",
        "discard                     | Discard",
        "error:5.1.2 no longer here  | Error",
        "error                       | NoRoute"})
    void everyFormShouldParseToItsKindAndFormatBackTheSame(String text, String kind) {
        NextHop nextHop = NextHop.parse(text);

        assertThat(nextHop.getClass().getSimpleName()).isEqualTo(kind);
        assertThat(nextHop.asString()).isEqualTo(text);
        assertThat(NextHop.parse(nextHop.asString())).isEqualTo(nextHop);
    }

    /** The text earlier versions recorded on queued mail (routing attribute, outbound queue): it must still deliver. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "mx:example.com           | mx:example.com",
        "mx:Example.COM.          | mx:example.com",
        "mx:[192.0.2.1]           | mx:[192.0.2.1]",
        "smtp:[10.0.0.5]:25       | smtp:[10.0.0.5]:25",
        "smtp:relay.example:2525  | smtp:relay.example:2525",
        "lmtp:[store.test]:24     | lmtp:[store.test]:24",
        "camel:direct:archive     | camel:direct:archive",
        "' error '                | error"})
    void textQueuedByEarlierVersionsShouldStillParse(String recorded, String canonical) {
        assertThat(NextHop.parse(recorded).asString()).isEqualTo(canonical);
    }

    @Test
    void theMxOfARecordedNextHopShouldCarryTheDestinationDomain() {
        assertThat(NextHop.parse("mx:example.com")).isEqualTo(new NextHop.MxOf("example.com"));
        assertThat(NextHop.parse("smtp:[10.0.0.5]")).isEqualTo(new NextHop.Relay("10.0.0.5", 25, false));
        assertThat(NextHop.parse("lmtp:[10.0.0.9]")).isEqualTo(new NextHop.Lmtp("10.0.0.9", 24));
    }

    @ParameterizedTest(name = "{0} for {1}")
    @CsvSource(delimiter = '|', value = {
        "mx                    | Example.com  | mx:example.com",
        "smtp:[10.0.0.5]:2525  | example.com  | smtp:[10.0.0.5]:2525",
        "error:5.1.2 gone      | example.com  | error",
        "local                 | example.com  | local"})
    void routingShouldRecordTheActionWithTheDomainFilledIn(String action, String domain, String recorded) {
        assertThat(NextHop.parseAction(action).routedFor(domain).asString()).isEqualTo(recorded);
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', value = {
        "''                  | expected mx, smtp:[host]:port",
        "mx:                 | expected mx",
        "smtp:[h             | expected mx",
        "smtp:[h]:0          | port must be 1-65535",
        "smtp:[h]:70000      | port must be 1-65535",
        "lmtp:h:24           | expected mx",
        "camel:direct        | expected mx",
        "error:2.0.0 fine    | expected mx",
        "error:5.1.2         | expected mx",
        "relay:[h]           | expected mx"})
    void badFormsShouldBeRefusedSayingWhatIsExpected(String text, String message) {
        assertThatThrownBy(() -> NextHop.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"mx:example.com", "error"})
    void recordedOnlyFormsShouldNotBeTableActions(String text) {
        assertThatThrownBy(() -> NextHop.parseAction(text)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("is what routing records");
    }

    @ParameterizedTest(name = "{0} names {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "mx                      | mx:example.com           | true",
        "mx:example.com          | mx:example.com           | true",
        "mx:example.org          | mx:example.com           | false",
        "smtp:[relay.example]    | smtp:[relay.example]:25  | true",
        "smtp:[relay.example]:26 | smtp:[relay.example]:25  | false",
        "error                   | error                    | true",
        "local                   | mx:example.com           | false"})
    void aNameShouldNameTheNextHopWithAnOptionalPort(String name, String recorded, boolean named) {
        assertThat(NextHop.parse(recorded).isNamedBy(name)).isEqualTo(named);
    }
}
