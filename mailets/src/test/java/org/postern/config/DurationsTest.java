package org.postern.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({"500ms, PT0.5S", "5s, PT5S", "5m, PT5M", "2h, PT2H", "30d, PT720H", " 30s , PT30S",
        // James's own syntax (DurationParser): a space, long and upper-case unit names, weeks
        "5 m, PT5M", "5 minutes, PT5M", "2 Days, PT48H", "1w, PT168H", "10 sec, PT10S", "1 hour, PT1H"})
    void validDurationsShouldParse(String text, String expected) {
        assertThat(Durations.parse(text)).contains(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "0s", "-1s", "soon", "1.5h", "5 fortnights", "m5", "99999999999s"})
    void anythingElseShouldBeRefused(String text) {
        assertThat(Durations.parse(text)).isEmpty();
    }
}
