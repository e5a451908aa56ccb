package org.postern.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The maillog's numbers: seconds as Postfix prints them, and the acceptance time read from James's mail name. */
class DeliveryLogTest {
    @ParameterizedTest
    @CsvSource({"0, 0", "4, 0", "5, 0.01", "50, 0.05", "100, 0.1", "1234, 1.23", "36000, 36", "-7, 0"})
    void secondsShouldHaveAtMostTwoDecimalsWithoutTrailingZeros(long millis, String printed) {
        StringBuilder line = new StringBuilder();

        DeliveryLog.seconds(line, millis);

        assertThat(line).hasToString(printed);
    }

    @ParameterizedTest
    @CsvSource({
        "Mail1796195119685-ed38351b-9d53-46f0-a044-d659d76cc80b, 1796195120000, 1796195119685",
        "Mail1796195119685-ed38351b, 1796195000000, 1796195000000",
        "Mail12-abc, 1796195120000, 1796195120000",
        "Mail179619511968512345-abc, 1796195120000, 1796195120000",
        "notjames, 1796195120000, 1796195120000",
        "Mail1796195119685, 1796195120000, 1796195120000"})
    void acceptanceShouldBeReadFromTheQueueIdAndNeverAfterTheArrival(String queueId, long arrival, long accepted) {
        assertThat(DeliveryLog.acceptedMillis(queueId, arrival)).isEqualTo(accepted);
    }
}
