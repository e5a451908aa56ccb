package org.postern.server;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.postern.server.check.PipelineCheck;

/**
 * Turns whatever James threw during start-up into one line, and tells configuration mistakes (exit 2)
 * from other failures (exit 1). A mailet or matcher that did not initialise is named with its line in
 * mailetcontainer.xml.
 */
record StartupFailure(boolean isConfiguration, String message) {
    /** James's words for a mailet or matcher whose class or init() failed. */
    private static final Pattern PIPELINE = Pattern.compile("Unable to init (mailet|matcher) (\\S+)");

    static StartupFailure explain(Throwable failure) {
        return explain(failure, null);
    }

    /** {@code conf}: the conf directory, to find a failed mailet's line in; null: not named. */
    static StartupFailure explain(Throwable failure, Path conf) {
        boolean configuration = false;
        Throwable deepest = failure;
        Optional<String> where = Optional.empty();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidConfigurationException || cause instanceof ConfigurationException) {
                configuration = true;
            }
            if (cause.getMessage() != null) {
                deepest = cause;
                Matcher pipeline = PIPELINE.matcher(cause.getMessage());
                if (where.isEmpty() && conf != null && pipeline.find()) {
                    where = PipelineCheck.locate(conf, pipeline.group(1), pipeline.group(2));
                }
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        String text = deepest.getMessage() == null ? deepest.getClass().getName() : deepest.getMessage();
        return new StartupFailure(configuration, "start-up failed: " + where.map(place -> place + ": ").orElse("")
            + text.replaceAll("\\s*\\R\\s*", " ").trim());
    }
}
