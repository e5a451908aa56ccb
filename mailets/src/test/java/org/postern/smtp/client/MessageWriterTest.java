package org.postern.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bytes on the wire for stored messages with every kind of line ending (escapes: \r, \n written as \\r, \\n). */
class MessageWriterTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a\\r\\nb\\r\\n          | a\\r\\nb\\r\\n            | a\\r\\nb\\r\\n",
        "a\\nb\\n                | a\\r\\nb\\r\\n            | a\\r\\nb\\r\\n",
        "a\\rb\\r                | a\\r\\nb\\r\\n            | a\\r\\nb\\r\\n",
        "a\\r\\r\\nb             | a\\r\\n\\r\\nb\\r\\n        | a\\r\\n\\r\\nb\\r\\n",
        ".a\\n..b\\r\\n.\\r\\nc   | ..a\\r\\n...b\\r\\n..\\r\\nc\\r\\n | .a\\r\\n..b\\r\\n.\\r\\nc\\r\\n",
        "no ending              | no ending\\r\\n          | no ending\\r\\n",
        "a\\0\\r\\n\\0.b\\r\\n\\0  | a\\r\\n..b\\r\\n          | a\\r\\n.b\\r\\n"})
    void everyLineEndingShouldLeaveAsCrlfWithDotStuffingForDataOnly(String stored, String data, String bdat) throws Exception {
        byte[] message = unescape(stored);

        assertThat(written(message, true)).isEqualTo(unescape(data));
        assertThat(written(message, false)).isEqualTo(unescape(bdat));
        assertThat(MessageWriter.wireLength(message)).isEqualTo(unescape(bdat).length);
    }

    private static byte[] written(byte[] message, boolean dotStuffing) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessageWriter.write(message, out, dotStuffing);
        return out.toByteArray();
    }

    private static byte[] unescape(String text) {
        return text.trim().replace("\\r", "\r").replace("\\n", "\n").replace("\\0", "\0").getBytes(StandardCharsets.US_ASCII);
    }
}
