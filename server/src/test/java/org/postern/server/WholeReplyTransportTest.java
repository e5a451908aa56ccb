package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.apache.james.protocols.pop3.POP3Response;
import org.apache.james.protocols.pop3.POP3StreamResponse;
import org.junit.jupiter.api.Test;
import org.postern.pop3.WireMessage;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.stream.ChunkedStream;

/** What the POP3 transport hands to Netty: a RETR's message as one buffer, any other stream as James does. */
class WholeReplyTransportTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final WholeReplyTransport transport = new WholeReplyTransport(channel, null, false);

    @Test
    void aMessageInWireFormShouldGoOutAsTheStatusLineThenOneBufferOfItsBytes() {
        byte[] content = "Subject: x\r\n\r\n.dot\r\nend".getBytes(StandardCharsets.US_ASCII);

        transport.writeResponse(WireMessage.of(content), null);

        assertThat(text(channel.readOutbound())).isEqualTo("+OK Message follows\r\n");
        assertThat(text(channel.readOutbound())).isEqualTo("Subject: x\r\n\r\n..dot\r\nend\r\n.\r\n");
        assertThat((Object) channel.readOutbound()).isNull();
    }

    @Test
    void anyOtherStreamShouldBeChunkedAsJamesDoes() {
        transport.writeResponse(new POP3StreamResponse(POP3Response.OK_RESPONSE, "", new ByteArrayInputStream(new byte[] {'x'})), null);

        assertThat(text(channel.readOutbound())).isEqualTo("+OK \r\n");
        assertThat((Object) channel.readOutbound()).isInstanceOf(ChunkedStream.class);
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
