package org.postern.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.apache.james.protocols.pop3.core.CRLFTerminatedInputStream;
import org.apache.james.protocols.pop3.core.ExtraDotInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RETR's bytes are James's, byte for byte: the same as its dot-stuffing and CRLF-terminating streams give. */
class RetrCommandTest {
    static byte[] james(byte[] content) throws Exception {
        return new CRLFTerminatedInputStream(new ExtraDotInputStream(new ByteArrayInputStream(content))).readAllBytes();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a", "a\r\n", ".a\r\n.\r\n", "a\r\n.b\r\n..\r\n", "x\r", "x\n", "x\r\n\r\n.",
        "\r\n.\r\n", "a\n.b\r\n", "a\r.b", "....\r\n....", "line\r\n.\r\r\n.\n"})
    void theBytesShouldBeJamesesForTheseMessages(String message) throws Exception {
        byte[] content = message.getBytes(StandardCharsets.ISO_8859_1);

        assertThat(RetrCommand.onTheWire(content)).isEqualTo(james(content));
    }

    @Test
    void theBytesShouldBeJamesesForRandomMessages() throws Exception {
        Random random = new Random(42);
        byte[] alphabet = {'.', '\r', '\n', 'a', ' ', (byte) 0xe9};
        for (int round = 0; round < 5_000; round++) {
            byte[] content = new byte[random.nextInt(60)];
            for (int i = 0; i < content.length; i++) {
                content[i] = alphabet[random.nextInt(alphabet.length)];
            }

            assertThat(RetrCommand.onTheWire(content)).as("round %d", round).isEqualTo(james(content));
        }
    }
}
