package org.postern.queue;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.server.core.configuration.ConfigurationProvider;

/**
 * The name of the outbound queue: {@code delivery.xml}'s {@code <queue>}, default {@value #DEFAULT_NAME}. The hand-off
 * ({@link HandOffToOutbound}) fills it, the delivery routes read it and queue control changes it; all three take the
 * name from here, so that they cannot disagree.
 */
public final class OutboundQueue {
    public static final String DEFAULT_NAME = "outbound";
    public static final String FILE = "delivery.xml";

    private OutboundQueue() {
    }

    /** {@code <queue>} of delivery.xml's content; a value that is not a queue name throws, naming file, element and value. */
    public static String nameIn(HierarchicalConfiguration<ImmutableNode> delivery) throws ConfigurationException {
        String name = delivery.getString("queue", DEFAULT_NAME).trim();
        if (!isName(name)) {
            throw new ConfigurationException(FILE + ": <queue> = '" + name + "': must be a queue name (letters, digits, . _ -)");
        }
        return name;
    }

    /** The same, delivery.xml read through James's configuration (an absent file gives the default). */
    public static String name(ConfigurationProvider configuration) throws ConfigurationException {
        return nameIn(configuration.getConfiguration("delivery"));
    }

    public static boolean isName(String name) {
        return name.matches("[A-Za-z0-9_.-]+");
    }
}
