package org.postern.ledger;

import java.time.Duration;
import java.util.Set;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.postern.config.Durations;
import org.postern.config.KnownElements;

/**
 * {@code ledger.xml}: whether the delivery ledger is kept ({@code <enabled>}, default true) and for how long
 * ({@code <retention>}, default 30d). A missing file means the defaults.
 *
 * <pre>{@code
 * <ledger>
 *     <enabled>true</enabled>
 *     <retention>30d</retention>
 * </ledger>
 * }</pre>
 */
public record LedgerSettings(boolean enabled, Duration retention) {
    public static final String FILE = "ledger.xml";
    public static final LedgerSettings DEFAULT = new LedgerSettings(true, Duration.ofDays(30));

    private static final KnownElements ELEMENTS = new KnownElements(FILE, Set.of("enabled", "retention"));

    public static LedgerSettings from(HierarchicalConfiguration<ImmutableNode> conf) throws ConfigurationException {
        java.util.Optional<String> unknown = ELEMENTS.unknownIn(conf);
        if (unknown.isPresent()) {
            throw new ConfigurationException(unknown.get());
        }
        String enabled = conf.getString("enabled", "true").trim();
        if (!enabled.equals("true") && !enabled.equals("false")) {
            throw new ConfigurationException(FILE + ": <enabled> = '" + enabled + "': must be true or false");
        }
        String retention = conf.getString("retention", null);
        Duration kept = retention == null ? DEFAULT.retention() : Durations.parse(retention).orElseThrow(() ->
            new ConfigurationException(FILE + ": <retention> = '" + retention + "': must be a duration such as 30d or 12h"));
        return new LedgerSettings(Boolean.parseBoolean(enabled), kept);
    }
}
