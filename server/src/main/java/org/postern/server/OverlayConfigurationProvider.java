package org.postern.server;

import java.util.List;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.util.LoggingLevel;

/**
 * Reads the conf files as they are and applies the launcher's {@link Listeners} to the protocol servers, so that
 * dev mode and tests run the shipped configuration, only on other addresses. The files are never rewritten.
 */
public class OverlayConfigurationProvider implements ConfigurationProvider {
    private static final List<String> PROTOCOL_SERVERS = List.of("smtpserver", "pop3server", "imapserver", "lmtpserver");

    private final ConfigurationProvider files;
    private final Listeners listeners;

    public OverlayConfigurationProvider(ConfigurationProvider files, Listeners listeners) {
        this.files = files;
        this.listeners = listeners;
    }

    @Override
    public HierarchicalConfiguration<ImmutableNode> getConfiguration(String component, LoggingLevel loggingLevelOnError)
            throws ConfigurationException {
        HierarchicalConfiguration<ImmutableNode> configuration = files.getConfiguration(component, loggingLevelOnError);
        if (PROTOCOL_SERVERS.contains(component)) {
            int servers = configuration.configurationsAt(component).size();
            for (int i = 0; i < servers; i++) {
                rebind(configuration, component + "(" + i + ").");
            }
        }
        return configuration;
    }

    private void rebind(HierarchicalConfiguration<ImmutableNode> configuration, String server) {
        String bind = configuration.getString(server + "bind", null);
        if (bind == null) {
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
