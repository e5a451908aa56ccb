package org.postern.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class RetryScheduleTest {
    @Test
    void theDefaultShouldBackOffFromFiveMinutesToOneHour() {
        RetrySchedule schedule = RetrySchedule.DEFAULT;

        assertThat(schedule.delayAfter(1)).isEqualTo(Duration.ofMinutes(5));
        assertThat(schedule.delayAfter(2)).isEqualTo(Duration.ofMinutes(10));
        assertThat(schedule.delayAfter(3)).isEqualTo(Duration.ofMinutes(20));
        assertThat(schedule.delayAfter(4)).isEqualTo(Duration.ofMinutes(40));
        assertThat(schedule.delayAfter(5)).isEqualTo(Duration.ofHours(1));
        assertThat(schedule.delayAfter(500)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aMailShouldExpireFiveDaysAfterItsArrival() {
        Instant arrival = Instant.parse("2026-11-01T00:00:00Z");

        assertThat(RetrySchedule.DEFAULT.expired(arrival, arrival.plus(Duration.ofDays(5)).minusSeconds(1))).isFalse();
        assertThat(RetrySchedule.DEFAULT.expired(arrival, arrival.plus(Duration.ofDays(5)))).isTrue();
    }
}
