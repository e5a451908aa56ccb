package org.postern.server;

import org.apache.james.pop3server.netty.POP3Server;
import org.apache.james.pop3server.netty.POP3ServerFactory;
import org.apache.james.protocols.api.ProtocolConfiguration;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.netty.AbstractChannelPipelineFactory;
import org.apache.james.protocols.netty.AllButStartTlsLineChannelHandlerFactory;
import org.apache.james.protocols.netty.BasicChannelInboundHandler;
import org.apache.james.protocols.netty.ChannelHandlerFactory;
import org.apache.james.protocols.netty.HandlerConstants;
import org.apache.james.protocols.netty.ProtocolMDCContextFactory;
import org.apache.james.protocols.pop3.POP3Protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * James's POP3 servers with three changes to how replies are written (bench/README.md, local delivery and POP3):
 * <ul>
 * <li>the replies to pipelined commands are flushed together: James flushes every reply, twice for a RETR (status
 * line, then the message), which made a pipelining client's RETRs cost a write system call each. Netty's
 * {@link FlushConsolidationHandler}, first in the pipeline, holds flushes while the commands of one read are being
 * answered (at most 256) and flushes once at the end of the read, or right after the reply when no read is in
 * progress; nothing waits longer than that. TLS (STLS) is added in front of it, so whole batches are encrypted;</li>
 * <li>each session's transport is a {@link WholeReplyTransport}: a RETR's or TOP's message goes out as one buffer,
 * so Netty's {@code ChunkedWriteHandler}, which every write and flush walked through, leaves the pipeline;</li>
 * <li>the channel holds more replies before it reports itself unwritable ({@link #PIPELINED_REPLIES}).</li>
 * </ul>
 */
public class PosternPop3ServerFactory extends POP3ServerFactory {
    static final String FLUSH_CONSOLIDATION = "flushConsolidation";
    /**
     * Replies held before the channel says it is not writable, which makes the flush consolidation flush at once:
     * Netty's 64 KB was less than the replies to 32 pipelined RETRs of 2 KB messages, and each change of writability
     * walked the pipeline. Nothing in POP3 waits on writability; this only sets when a batch is flushed early.
     */
    static final WriteBufferWaterMark PIPELINED_REPLIES = new WriteBufferWaterMark(256 * 1024, 512 * 1024);

    @Override
    protected POP3Server createServer() {
        return new PosternPop3Server();
    }

    /** James's {@link POP3Server} with the frame handler and the transport above. */
    static class PosternPop3Server extends POP3Server {
        private POP3Protocol protocol;

        @Override
        protected void preInit() throws Exception {
            super.preInit();
            protocol = new POP3Protocol(getProtocolHandlerChain(), new Configuration());
        }

        @Override
        protected ChannelHandlerFactory createFrameHandlerFactory() {
            ChannelHandlerFactory lines = new AllButStartTlsLineChannelHandlerFactory("stls", AbstractChannelPipelineFactory.MAX_LINE_LENGTH);
            return pipeline -> {
                pipeline.addFirst(FLUSH_CONSOLIDATION, new FlushConsolidationHandler(256, true));
                return lines.create(pipeline);
            };
        }

        @Override
        protected ChannelInboundHandlerAdapter createCoreHandler() {
            return new BasicChannelInboundHandler(new ProtocolMDCContextFactory.Standard(), protocol, getEncryption(), false) {
                @Override
                public void handlerAdded(ChannelHandlerContext ctx) {
                    if (ctx.pipeline().get(HandlerConstants.CHUNK_HANDLER) != null) {
                        ctx.pipeline().remove(HandlerConstants.CHUNK_HANDLER);
                    }
                    ctx.channel().config().setWriteBufferWaterMark(PIPELINED_REPLIES);
                }

                @Override
                protected ProtocolSession createSession(ChannelHandlerContext ctx) {
                    return protocol.newSession(new WholeReplyTransport(ctx.channel(), secure, proxyRequired));
                }
            };
        }

        /** What James's POP3 server tells its protocol (its own configuration class is private). */
        private class Configuration implements ProtocolConfiguration {
            @Override
            public String getHelloName() {
                return PosternPop3Server.this.getHelloName();
            }

            @Override
            public String getGreeting() {
                return null;
            }

            @Override
            public String getSoftwareName() {
                return "JAMES POP3 Server ";
            }
        }
    }
}
