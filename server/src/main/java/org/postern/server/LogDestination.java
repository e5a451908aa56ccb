package org.postern.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the shipped logback.xml sends the logs, as the environment says: {@code POSTERN_LOG=console} (the default)
 * or {@code file}, then into {@code POSTERN_LOG_DIR} (default {@value #DEFAULT_DIRECTORY}). Checked before anything
 * is logged, so that a typo or a folder Postern cannot write stops start-up (exit status 2) instead of leaving the
 * server running with no log at all.
 */
final class LogDestination {
    static final String DEFAULT_DIRECTORY = "/var/log/postern";

    private LogDestination() {
    }

    static void verify(Map<String, String> environment) {
        String destination = environment.getOrDefault("POSTERN_LOG", "");
        if (destination.isEmpty() || destination.equals("console")) {
            return;
        }
        if (!destination.equals("file")) {
            throw new InvalidConfigurationException("POSTERN_LOG='" + destination
                + "': write console (standard output, the default) or file (POSTERN_LOG_DIR/postern.log, rotated)");
        }
        String folder = environment.getOrDefault("POSTERN_LOG_DIR", "");
        Path directory = Path.of(folder.isEmpty() ? DEFAULT_DIRECTORY : folder);
        try {
            Files.createDirectories(directory);
        } catch (IOException | RuntimeException e) {
            throw new InvalidConfigurationException("POSTERN_LOG_DIR='" + directory + "': cannot be created (" + e.getMessage()
                + "): create it for the user running Postern, or set POSTERN_LOG_DIR");
        }
        if (!Files.isWritable(directory)) {
            throw new InvalidConfigurationException("POSTERN_LOG_DIR='" + directory
                + "': not writable by the user running Postern: change its owner, or set POSTERN_LOG_DIR");
        }
    }
}
