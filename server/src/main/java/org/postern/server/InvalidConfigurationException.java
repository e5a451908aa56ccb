package org.postern.server;

/**
 * A configuration mistake found at start-up. The message names the file, the element (or key) and the value,
 * so the launcher can print it on one line and exit with status 2.
 */
public class InvalidConfigurationException extends RuntimeException {
    public InvalidConfigurationException(String file, String element, String value, String problem) {
        super(file + ": <" + element + "> = '" + value + "': " + problem);
    }

    public InvalidConfigurationException(String message) {
        super(message);
    }
}
