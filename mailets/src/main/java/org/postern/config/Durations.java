package org.postern.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

import org.apache.james.util.DurationParser;

/**
 * The one duration syntax of Postern's settings, James's own ({@link DurationParser}, as in its
 * {@code mailetcontainer.xml} and {@code RemoteDelivery} delays): a whole number and a unit, optionally apart —
 * {@code 500ms}, {@code 30s}, {@code 5m}, {@code 5 minutes}, {@code 2h}, {@code 30d}, {@code 1w}. Unlike James, a
 * unit is required (a bare number would be milliseconds there, seconds elsewhere) and the duration must be positive.
 */
public final class Durations {
    private static final Pattern WITH_UNIT = Pattern.compile("\\d{1,9}\\s*[A-Za-z]+");

    private Durations() {
    }

    /** The duration, or empty when the text is not a positive duration with a unit. */
    public static Optional<Duration> parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (!WITH_UNIT.matcher(trimmed).matches()) {
            return Optional.empty();
        }
        try {
            Duration duration = DurationParser.parse(trimmed);
            return duration.isZero() ? Optional.empty() : Optional.of(duration);
        } catch (IllegalArgumentException | ArithmeticException e) {
            return Optional.empty();
        }
    }
}
