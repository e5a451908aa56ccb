package org.postern.server;

import java.io.IOException;
import java.io.InputStream;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.netty.Encryption;
import org.apache.james.protocols.netty.NettyProtocolTransport;
import org.postern.pop3.WireMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

/**
 * James's Netty transport for POP3, except that a reply's stream (RETR's, TOP's) is written as one buffer: RETR's
 * message ({@link WireMessage}) copied once into a pooled direct buffer, the one the socket is written from (a heap
 * buffer would be copied into one on the way out), any other stream read whole first. James writes
 * streams through Netty's {@code ChunkedWriteHandler}, which copies them into pooled chunks and walked its queue on
 * every write and flush: a fifth of a pipelined RETR's cost (bench/README.md, local delivery and POP3). Postern's
 * POP3 server takes that handler out of the pipeline ({@link PosternPop3ServerFactory}). POP3 messages are in
 * memory already (the store reads a message whole), so nothing is streamed from disk here.
 */
final class WholeReplyTransport extends NettyProtocolTransport {
    private static final Logger LOGGER = LoggerFactory.getLogger(WholeReplyTransport.class);

    private final Channel channel;

    WholeReplyTransport(Channel channel, Encryption encryption, boolean proxyRequired) {
        super(channel, encryption, proxyRequired);
        this.channel = channel;
    }

    @Override
    protected void writeToClient(InputStream in, ProtocolSession session, boolean startTLS) {
        ByteBuf whole;
        try (in) {
            whole = whole(in);
        } catch (IOException e) {
            // the status line is out already: the only answer left is to end the session
            LOGGER.warn("POP3 reply from {} could not be read, closing the connection: {}", channel.remoteAddress(), e.toString());
            channel.close();
            return;
        }
        if (startTLS) {
            // James's byte path starts TLS after the write; its stream path would need the chunked writer, gone here
            byte[] bytes = ByteBufUtil.getBytes(whole);
            whole.release();
            super.writeToClient(bytes, session, true);
            return;
        }
        channel.writeAndFlush(whole);
    }

    private ByteBuf whole(InputStream in) throws IOException {
        if (in instanceof WireMessage.Stream) {
            WireMessage message = ((WireMessage.Stream) in).message();
            ByteBuf buffer = channel.alloc().directBuffer(message.length());
            message.writeTo(buffer::writeBytes);
            return buffer;
        }
        return Unpooled.wrappedBuffer(in.readAllBytes());
    }
}
