package org.postern.server;

import org.apache.james.pop3server.netty.POP3Server;
import org.apache.james.pop3server.netty.POP3ServerFactory;
import org.apache.james.protocols.netty.AbstractChannelPipelineFactory;
import org.apache.james.protocols.netty.AllButStartTlsLineChannelHandlerFactory;
import org.apache.james.protocols.netty.ChannelHandlerFactory;

import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * James's POP3 servers with the replies to pipelined commands flushed together: James flushes every reply, twice for
 * a RETR (status line, then the message), which made a pipelining client's RETRs cost a write system call each.
 * Netty's {@link FlushConsolidationHandler}, first in the pipeline, holds flushes while the commands of one read are
 * being answered (at most 256) and flushes once at the end of the read, or right after the reply when no read is in
 * progress; nothing waits longer than that. TLS (STLS) is added in front of it, so whole batches are encrypted.
 */
public class PosternPop3ServerFactory extends POP3ServerFactory {
    static final String FLUSH_CONSOLIDATION = "flushConsolidation";

    @Override
    protected POP3Server createServer() {
        return new POP3Server() {
            @Override
            protected ChannelHandlerFactory createFrameHandlerFactory() {
                ChannelHandlerFactory lines = new AllButStartTlsLineChannelHandlerFactory("stls", AbstractChannelPipelineFactory.MAX_LINE_LENGTH);
                return pipeline -> {
                    pipeline.addFirst(FLUSH_CONSOLIDATION, new FlushConsolidationHandler(256, true));
                    return lines.create(pipeline);
                };
            }
        };
    }
}
