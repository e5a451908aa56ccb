package org.postern.config;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;

/**
 * The elements of one protocol handler's {@code <handler>} in smtpserver.xml or pop3server.xml, each turned into a
 * value once at start; a bad value stops start-up naming the file, the handler, the element and the value, and so
 * does an unknown element or attribute at any level (each element holds a value only).
 */
public final class HandlerSettings {
    private final Configuration config;
    private final String file;
    private final Class<?> handler;

    private HandlerSettings(Configuration config, String file, Class<?> handler) {
        this.config = config;
        this.file = file;
        this.handler = handler;
    }

    /** The handler's settings; an element other than {@code elements} stops start-up (a typo is never ignored). */
    public static HandlerSettings of(Configuration config, String file, Class<?> handler, String... elements)
            throws ConfigurationException {
        HandlerSettings settings = new HandlerSettings(config, file, handler);
        List<String> known = List.of(elements);
        for (Iterator<String> keys = config.getKeys(); keys.hasNext(); ) {
            String key = keys.next();
            String element = key.split("[.\\[]", 2)[0];
            if (element.isEmpty()) {
                continue; // the <handler> element's own attributes (class), James's to read
            }
            if (!known.contains(element)) {
                throw new ConfigurationException(file + ": <handler class=\"" + handler.getName() + "\"> has an unknown element <"
                    + element + ">; known: " + (known.isEmpty() ? "none" : String.join(", ", known)));
            }
            if (!key.equals(element)) {
                String path = key.replace("[@", "@").replace("]", "").replace('.', '/');
                throw new ConfigurationException(file + ": <handler class=\"" + handler.getName() + "\"> has an unknown "
                    + (path.contains("@") ? "attribute" : "element") + " <" + path + ">: <" + element + "> holds a value only");
            }
        }
        return settings;
    }

    /** A whole number of at least 1. */
    public int positive(String element, int otherwise) throws ConfigurationException {
        String value = config.getString(element, String.valueOf(otherwise)).trim();
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= 1) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(element, value, "a whole number of at least 1");
    }

    /** A duration in Postern's syntax ({@link Durations}). */
    public Duration duration(String element, Duration otherwise) throws ConfigurationException {
        String value = config.getString(element, null);
        if (value == null) {
            return otherwise;
        }
        return Durations.parse(value).orElseThrow(() -> invalid(element, value, "a duration such as 30s or 5m"));
    }

    /** true or false. */
    public boolean flag(String element, boolean otherwise) throws ConfigurationException {
        String value = config.getString(element, String.valueOf(otherwise)).trim();
        if (!value.equals("true") && !value.equals("false")) {
            throw invalid(element, value, "true or false");
        }
        return Boolean.parseBoolean(value);
    }

    private ConfigurationException invalid(String element, String value, String rule) {
        return new ConfigurationException(file + ": <handler class=\"" + handler.getName() + "\"> <" + element + "> = '"
            + value + "': must be " + rule);
    }
}
