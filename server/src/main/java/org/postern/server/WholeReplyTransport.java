package org.postern.server;

import java.io.InputStream;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.netty.Encryption;
import org.apache.james.protocols.netty.NettyProtocolTransport;
import org.postern.pop3.WireMessage;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

/**
 * James's Netty transport, except that a message already in wire form ({@link WireMessage}) is written as one
 * buffer wrapping its array: James writes a reply's stream through Netty's {@code ChunkedWriteHandler}, which copies
 * it into pooled chunks and walked a queue per RETR (a fifth of a pipelined RETR's cost). Other streams, and a
 * reply that starts TLS, go James's way.
 */
final class WholeReplyTransport extends NettyProtocolTransport {
    private final Channel channel;

    WholeReplyTransport(Channel channel, Encryption encryption, boolean proxyRequired) {
        super(channel, encryption, proxyRequired);
        this.channel = channel;
    }

    @Override
    protected void writeToClient(InputStream in, ProtocolSession session, boolean startTLS) {
        if (!startTLS && in instanceof WireMessage.Bytes) {
            WireMessage.Bytes message = (WireMessage.Bytes) in;
            channel.writeAndFlush(Unpooled.wrappedBuffer(message.array(), message.offset(), message.available()));
            return;
        }
        super.writeToClient(in, session, startTLS);
    }
}
