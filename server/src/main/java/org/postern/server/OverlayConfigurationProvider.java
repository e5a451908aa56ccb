package org.postern.server;

import java.util.List;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.util.LoggingLevel;
import org.postern.config.HostName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the conf files as they are and adds what the assembly decides for the protocol servers: the one host name
 * ({@link HostName}, postern.xml) as every listener's {@code helloName} and at the head of the SMTP greeting
 * ({@code 220 <hostname> <smtpGreeting>}, RFC 5321 4.3.1), and the launcher's {@link Listeners}, so that dev mode and
 * tests run the shipped configuration, only on other addresses. The files are never rewritten.
 */
public class OverlayConfigurationProvider implements ConfigurationProvider {
    private static final Logger LOGGER = LoggerFactory.getLogger(OverlayConfigurationProvider.class);
    private static final List<String> PROTOCOL_SERVERS = List.of("smtpserver", "pop3server", "imapserver", "lmtpserver");

    private final ConfigurationProvider files;
    private final Listeners listeners;
    private HostName hostName;

    public OverlayConfigurationProvider(ConfigurationProvider files, Listeners listeners) {
        this.files = files;
        this.listeners = listeners;
    }

    /** The server's host name, read once from the files as they are (a conflict there stops start-up). */
    synchronized HostName hostName() throws ConfigurationException {
        if (hostName == null) {
            hostName = HostName.resolve(files);
            hostName.adoptedFrom().ifPresent(where -> LOGGER.warn("{} has no <hostname>: the host name '{}' is taken from {}; "
                + "write <postern><hostname>{}</hostname></postern> in {} and remove the old element",
                HostName.FILE, hostName.value(), where, hostName.value(), HostName.FILE));
        }
        return hostName;
    }

    @Override
    public HierarchicalConfiguration<ImmutableNode> getConfiguration(String component, LoggingLevel loggingLevelOnError)
            throws ConfigurationException {
        HierarchicalConfiguration<ImmutableNode> configuration = files.getConfiguration(component, loggingLevelOnError);
        if (PROTOCOL_SERVERS.contains(component)) {
            int servers = configuration.configurationsAt(component).size();
            for (int i = 0; i < servers; i++) {
                String server = component + "(" + i + ").";
                name(configuration, server);
                rebind(configuration, server);
            }
        }
        return configuration;
    }

    private void name(HierarchicalConfiguration<ImmutableNode> configuration, String server) throws ConfigurationException {
        HostName name = hostName();
        configuration.setProperty(server + "helloName", name.value());
        configuration.setProperty(server + "helloName[@autodetect]", false);
        if (configuration.containsKey(server + "smtpGreeting")) {
            configuration.setProperty(server + "smtpGreeting", name.greeting(configuration.getString(server + "smtpGreeting")));
        }
    }

    private void rebind(HierarchicalConfiguration<ImmutableNode> configuration, String server) {
        String bind = configuration.getString(server + "bind", null);
        if (bind == null || !listeners.overridesAnything()) {
            return;
        }
        configuration.setProperty(server + "bind", listeners.rebind(bind));
        if (listeners.authInClearOnLoopback()) {
            allowAuthInClear(configuration, server);
        }
    }

    /** SMTP's {@code <auth><requireSSL>}, and the {@code <requireSSL>} of any handler (POP3's Pop3Authentication). */
    private static void allowAuthInClear(HierarchicalConfiguration<ImmutableNode> configuration, String server) {
        if (configuration.containsKey(server + "auth.requireSSL")) {
            configuration.setProperty(server + "auth.requireSSL", false);
        }
        int handlers = configuration.getMaxIndex(server + "handlerchain.handler");
        for (int i = 0; i <= handlers; i++) {
            String key = server + "handlerchain.handler(" + i + ").requireSSL";
            if (configuration.containsKey(key)) {
                configuration.setProperty(key, false);
            }
        }
    }
}
