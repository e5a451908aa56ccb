package org.postern.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.apache.james.protocols.pop3.core.CRLFTerminatedInputStream;
import org.apache.james.protocols.pop3.core.ExtraDotInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RETR's bytes are James's, byte for byte: the same as its dot-stuffing and CRLF-terminating streams give, then
 * {@code POP3StreamResponse}'s final dot line.
 */
class WireMessageTest {
    static byte[] james(byte[] content) throws Exception {
        return new SequenceInputStream(new CRLFTerminatedInputStream(new ExtraDotInputStream(new ByteArrayInputStream(content))),
            new ByteArrayInputStream(".\r\n".getBytes(StandardCharsets.US_ASCII))).readAllBytes();
    }

    /** The bytes both ways a transport may take them: the stream, and the runs; they must agree, in length too. */
    static byte[] postern(byte[] content) throws Exception {
        WireMessage message = WireMessage.of(content);
        ByteArrayOutputStream runs = new ByteArrayOutputStream();
        message.writeTo(runs::write);
        byte[] streamed = message.getStream().readAllBytes();
        assertThat(runs.toByteArray()).isEqualTo(streamed).hasSize(message.length());
        return streamed;
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a", "a\r\n", ".a\r\n.\r\n", "a\r\n.b\r\n..\r\n", "x\r", "x\n", "x\r\n\r\n.",
        "\r\n.\r\n", "a\n.b\r\n", "a\r.b", "....\r\n....", "line\r\n.\r\r\n.\n",
        "12345\r\n.\r\n.x", "1234567\r\n.\r\n\u000b.\r\n", ".2345678\r\n.bcdefgh\r\n.", "a\r\n\u000b\n.\r\n"})
    void theBytesShouldBeJamesesForTheseMessages(String message) throws Exception {
        byte[] content = message.getBytes(StandardCharsets.ISO_8859_1);

        assertThat(postern(content)).isEqualTo(james(content));
    }

    @Test
    void theBytesShouldBeJamesesForRandomMessages() throws Exception {
        Random random = new Random(42);
        byte[] alphabet = {'.', '\r', '\n', 'a', ' ', (byte) 0xe9, 0x0b};
        for (int round = 0; round < 5_000; round++) {
            byte[] content = new byte[random.nextInt(round < 4_900 ? 60 : 600)];
            for (int i = 0; i < content.length; i++) {
                content[i] = alphabet[random.nextInt(alphabet.length)];
            }

            assertThat(postern(content)).as("round %d", round).isEqualTo(james(content));
        }
    }

    @Test
    void aMessageOfDotLinesShouldGrowTheBufferAndStayJameses() throws Exception {
        byte[] content = "\r\n.".repeat(300).getBytes(StandardCharsets.US_ASCII);

        assertThat(postern(content)).isEqualTo(james(content));
    }
}
