package org.postern.server;

import org.apache.commons.configuration2.ex.ConfigurationException;

/**
 * Turns whatever James threw during start-up into one line, and tells configuration mistakes (exit 2)
 * from other failures (exit 1).
 */
record StartupFailure(boolean isConfiguration, String message) {
    static StartupFailure explain(Throwable failure) {
        boolean configuration = false;
        Throwable deepest = failure;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidConfigurationException || cause instanceof ConfigurationException) {
                configuration = true;
            }
            if (cause.getMessage() != null) {
                deepest = cause;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        String text = deepest.getMessage() == null ? deepest.getClass().getName() : deepest.getMessage();
        return new StartupFailure(configuration, "start-up failed: " + text.replaceAll("\\s*\\R\\s*", " ").trim());
    }
}
