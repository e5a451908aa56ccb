package org.postern.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({"500ms, PT0.5S", "5s, PT5S", "5m, PT5M", "2h, PT2H", "30d, PT720H", " 30s , PT30S"})
    void validDurationsShouldParse(String text, String expected) {
        assertThat(Durations.parse(text)).contains(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "0s", "-1s", "5 m", "soon", "1w", "1.5h"})
    void anythingElseShouldBeRefused(String text) {
        assertThat(Durations.parse(text)).isEmpty();
    }
}
