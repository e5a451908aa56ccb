package org.postern.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading a message's bytes into an array of the size the store gave: exact, too small and too big a size. */
class StoreMaildropReaderTest {
    @ParameterizedTest(name = "size {1} for {0}")
    @CsvSource({"hello world, 11", "hello world, 5", "hello world, 40", "hello world, 0", "'', 0", "'', 3"})
    void readFullyShouldReturnExactlyTheStreamsBytes(String text, long size) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);

        assertThat(StoreMaildropReader.readFully(new ByteArrayInputStream(bytes), size)).isEqualTo(bytes);
    }
}
