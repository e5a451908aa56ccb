package org.postern.delivery.tls;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One domain's MTA-STS policy (RFC 8461 section 3.2): {@code mode} enforce, testing or none, the {@code mx}
 * patterns its MX hosts must match ({@code mx.example.com}, or {@code *.example.com} for one more label) and
 * {@code max_age}; {@code id} is the TXT record's id it was fetched under.
 */
public record MtaStsPolicy(Mode mode, List<String> mx, Duration maxAge, String id) {
    public enum Mode { ENFORCE, TESTING, NONE }

    static final long MAX_AGE_LIMIT = 31_557_600;

    public MtaStsPolicy {
        mx = List.copyOf(mx);
    }

    /** Whether an MX host name is one the policy names. */
    public boolean matches(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        name = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        for (String pattern : mx) {
            if (pattern.startsWith("*.")) {
                int dot = name.indexOf('.');
                if (dot > 0 && name.substring(dot).equals(pattern.substring(1))) {
                    return true;
                }
            } else if (name.equals(pattern)) {
                return true;
            }
        }
        return false;
    }

    /** Parses the policy file; throws {@link IllegalArgumentException} when it is not a valid STSv1 policy. */
    static MtaStsPolicy parse(String text, String id) {
        String version = null;
        Mode mode = null;
        Long maxAge = null;
        List<String> mx = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (line.isBlank() || colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "version" -> version = value;
                case "mode" -> mode = switch (value) {
                    case "enforce" -> Mode.ENFORCE;
                    case "testing" -> Mode.TESTING;
                    case "none" -> Mode.NONE;
                    default -> throw new IllegalArgumentException("mode '" + value + "' is not enforce, testing or none");
                };
                case "max_age" -> {
                    if (!value.matches("\\d{1,10}") || Long.parseLong(value) > MAX_AGE_LIMIT) {
                        throw new IllegalArgumentException("max_age '" + value + "' is not 0 to " + MAX_AGE_LIMIT + " seconds");
                    }
                    maxAge = Long.parseLong(value);
                }
                case "mx" -> mx.add(value.toLowerCase(Locale.ROOT));
                default -> {
                    // extensions are ignored (section 3.2)
                }
            }
        }
        if (!"STSv1".equals(version) || mode == null || maxAge == null || (mode != Mode.NONE && mx.isEmpty())) {
            throw new IllegalArgumentException("not an STSv1 policy with mode, max_age and mx");
        }
        return new MtaStsPolicy(mode, mx, Duration.ofSeconds(maxAge), id);
    }
}
