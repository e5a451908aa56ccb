package org.postern.server;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.pop3server.netty.POP3ServerFactory;
import org.apache.james.protocols.lib.netty.AbstractConfigurableAsyncServer;
import org.apache.james.protocols.lib.netty.AbstractServerFactory;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.smtpserver.SendMailHandler;
import org.apache.james.smtpserver.netty.SMTPServerFactory;
import org.apache.james.utils.GuiceProbe;

/**
 * Opens the SMTP and POP3 listeners, last: after James, the delivery and admin routes and (dev mode) the demo data,
 * so that a client that connects the moment a port opens finds Postern complete ("ready means ready").
 */
public class MailListeners implements GuiceProbe {
    private final ConfigurationProvider configuration;
    private final SMTPServerFactory smtp;
    private final SendMailHandler sendMail;
    private final POP3ServerFactory pop3;

    @Inject
    public MailListeners(ConfigurationProvider configuration, SMTPServerFactory smtp, SendMailHandler sendMail, POP3ServerFactory pop3) {
        this.configuration = configuration;
        this.smtp = smtp;
        this.sendMail = sendMail;
        this.pop3 = pop3;
    }

    /** Binds every enabled listener; returns "smtpserver-mx 127.0.0.1:2525, …" for the ready line. */
    public String open() throws Exception {
        smtp.configure(configuration.getConfiguration("smtpserver"));
        smtp.init();
        sendMail.init(null);
        pop3.configure(configuration.getConfiguration("pop3server"));
        pop3.init();
        List<String> listeners = new ArrayList<>();
        describe(smtp, listeners);
        describe(pop3, listeners);
        return String.join(", ", listeners);
    }

    private static void describe(AbstractServerFactory factory, List<String> listeners) {
        for (AbstractConfigurableAsyncServer server : factory.getServers()) {
            if (server.isEnabled()) {
                String protocol = server.getServiceType().replace(" Service", "").toLowerCase(java.util.Locale.ROOT);
                listeners.add(protocol + ("secure".equals(server.getSocketType()) ? "s " : " ")
                    + server.getListenAddresses().stream().map(MailListeners::address).collect(Collectors.joining(" ")));
            }
        }
    }

    private static String address(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
