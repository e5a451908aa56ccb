package org.postern.acceptance;

import java.time.Duration;

/**
 * Callout verification: how long answers are remembered ({@code positiveTtl} 1h, {@code negativeTtl} 10m, like
 * Postfix's address_verify cache) and how long one probe may take per SMTP step ({@code timeout}, 30s). The name a
 * probe gives in EHLO is the server's {@link org.postern.config.HostName}.
 */
public record CalloutSettings(Duration positiveTtl, Duration negativeTtl, Duration timeout) {
    public static final Duration DEFAULT_POSITIVE_TTL = Duration.ofHours(1);
    public static final Duration DEFAULT_NEGATIVE_TTL = Duration.ofMinutes(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
}
