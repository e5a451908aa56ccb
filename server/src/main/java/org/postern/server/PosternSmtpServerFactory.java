package org.postern.server;

import java.util.List;

import javax.inject.Inject;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.lib.handler.ProtocolHandlerLoader;
import org.apache.james.protocols.netty.AbstractChannelPipelineFactory;
import org.apache.james.protocols.netty.AllButStartTlsLineBasedChannelHandler;
import org.apache.james.protocols.netty.ChannelHandlerFactory;
import org.apache.james.smtpserver.netty.SMTPServer;
import org.apache.james.smtpserver.netty.SMTPServerFactory;

/**
 * James's SMTP servers with one change to how lines are framed: James's STARTTLS command-injection guard closes the
 * connection, without a reply and with a stack trace in the log, on a lone line such as {@code STARTTLS extra}
 * (found by {@code SmtpFuzzTest}). A single line cannot smuggle anything past TLS, so it goes to the STARTTLS
 * command, which answers 501; several lines in one read with a STARTTLS among them are still refused as James does.
 */
public class PosternSmtpServerFactory extends SMTPServerFactory {
    @Inject
    public PosternSmtpServerFactory(DNSService dns, ProtocolHandlerLoader loader, FileSystem fileSystem, MetricFactory metricFactory) {
        super(dns, loader, fileSystem, metricFactory);
    }

    @Override
    protected SMTPServer createServer() {
        return new SMTPServer(smtpMetrics) {
            @Override
            protected ChannelHandlerFactory createFrameHandlerFactory() {
                return pipeline -> new AllButStartTlsLineBasedChannelHandler(pipeline, AbstractChannelPipelineFactory.MAX_LINE_LENGTH,
                    false, "starttls") {
                    @Override
                    protected boolean hasInvalidStartTlsPart(List<String> parts) {
                        return parts.size() > 1 && super.hasInvalidStartTlsPart(parts);
                    }
                };
            }
        };
    }
}
