package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.apache.james.protocols.pop3.POP3Response;
import org.apache.james.protocols.pop3.POP3StreamResponse;
import org.junit.jupiter.api.Test;
import org.postern.pop3.WireMessage;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;

/** What the POP3 transport hands to Netty: a RETR's message as one buffer wrapping its array, any other stream read whole. */
class WholeReplyTransportTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final WholeReplyTransport transport = new WholeReplyTransport(channel, null, false);

    @Test
    void aRetrReplyShouldGoOutAsTheStatusLineThenOneDirectBufferOfItsWireBytes() {
        byte[] content = "Subject: x\r\n\r\n.dot\r\nend".getBytes(StandardCharsets.US_ASCII);

        transport.writeResponse(WireMessage.of(content), null);

        assertThat(text(channel.readOutbound())).isEqualTo("+OK Message follows\r\n");
        ByteBuf message = channel.readOutbound();
        assertThat(message.isDirect()).as("written into the buffer the socket sends from").isTrue();
        assertThat(text(message)).isEqualTo("Subject: x\r\n\r\n..dot\r\nend\r\n.\r\n");
        assertThat((Object) channel.readOutbound()).isNull();
    }

    @Test
    void anyOtherStreamShouldGoOutWholeInOneBufferToo() {
        byte[] top = "Subject: x\r\n\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);

        transport.writeResponse(new POP3StreamResponse(POP3Response.OK_RESPONSE, "", new ByteArrayInputStream(top)), null);

        assertThat(text(channel.readOutbound())).isEqualTo("+OK \r\n");
        assertThat(text(channel.readOutbound())).isEqualTo("Subject: x\r\n\r\n.\r\n.\r\n");
        assertThat((Object) channel.readOutbound()).isNull();
    }

    @Test
    void aStreamThatFailsShouldEndTheSession() {
        transport.writeResponse(new POP3StreamResponse(POP3Response.OK_RESPONSE, "", new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("store gone");
            }
        }), null);

        assertThat(text(channel.readOutbound())).isEqualTo("+OK \r\n");
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.isOpen()).isFalse();
    }

    private static String text(Object written) {
        assertThat(written).isInstanceOf(ByteBuf.class);
        ByteBuf buffer = (ByteBuf) written;
        try {
            return buffer.toString(StandardCharsets.US_ASCII);
        } finally {
            buffer.release();
        }
    }
}
