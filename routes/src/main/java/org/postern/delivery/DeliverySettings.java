package org.postern.delivery;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.postern.config.Durations;

/**
 * Everything {@code delivery.xml} sets, validated once at start: a bad value stops start-up with a message that
 * names the file, the element and the value. Defaults follow Postfix where it has one.
 *
 * <pre>{@code
 * <delivery>
 *     <queue>outbound</queue>                    <!-- the James mail queue the hand-off mailet writes to -->
 *     <threads>20</threads>                      <!-- deliveries in progress at once -->
 *     <heloName>mx.example.org</heloName>        <!-- default: this host's name -->
 *     <retry><first>5m</first><max>1h</max><giveUpAfter>120h</giveUpAfter></retry>
 *     <timeouts><connect>30s</connect><greeting>5m</greeting><mail>5m</mail><rcpt>5m</rcpt>
 *               <data>2m</data><dataBlock>3m</dataBlock><dataEnd>10m</dataEnd></timeouts>
 *     <connectionCache><idleTime>2s</idleTime><maxUses>100</maxUses><maxLifetime>300s</maxLifetime></connectionCache>
 *     <concurrencyPerDestination>20</concurrencyPerDestination>
 *     <tls policy="may"><nexthop name="smtp:[10.0.0.5]:25" policy="encrypt"/></tls>
 *     <maxReceivedHeaders>50</maxReceivedHeaders>
 *     <delayNotice>4h</delayNotice>              <!-- one "delayed" DSN per recipient still deferred after this -->
 * </delivery>
 * }</pre>
 */
public record DeliverySettings(String queue, int threads, String heloName, RetrySchedule retry, Timeouts timeouts,
                               CacheLimits connectionCache, int concurrencyPerDestination, TlsPolicy defaultTls,
                               Map<String, TlsPolicy> tlsByNextHop, int maxReceivedHeaders, Duration delayNotice) {
    public static final String FILE = "delivery.xml";
    /** After how long a still-deferred recipient's sender gets one delay notice (RFC 3464 Action: delayed). */
    public static final Duration DEFAULT_DELAY_NOTICE = Duration.ofHours(4);

    public DeliverySettings(String queue, int threads, String heloName, RetrySchedule retry, Timeouts timeouts,
                            CacheLimits connectionCache, int concurrencyPerDestination, TlsPolicy defaultTls,
                            Map<String, TlsPolicy> tlsByNextHop, int maxReceivedHeaders) {
        this(queue, threads, heloName, retry, timeouts, connectionCache, concurrencyPerDestination, defaultTls, tlsByNextHop,
            maxReceivedHeaders, DEFAULT_DELAY_NOTICE);
    }

    /** RFC 5321 section 4.5.3.2 timeouts, plus the connect timeout. */
    public record Timeouts(Duration connect, Duration greeting, Duration mail, Duration rcpt, Duration data,
                           Duration dataBlock, Duration dataEnd) {
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(30), Duration.ofMinutes(5),
            Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofMinutes(2), Duration.ofMinutes(3), Duration.ofMinutes(10));
    }

    /** Postfix's connection cache: how long an idle connection is kept, how often and how long it is reused. */
    public record CacheLimits(Duration idleTime, int maxUses, Duration maxLifetime) {
        public static final CacheLimits DEFAULT = new CacheLimits(Duration.ofSeconds(2), 100, Duration.ofSeconds(300));
    }

    public static DeliverySettings defaults() {
        return new DeliverySettings("outbound", 20, org.postern.dsn.ReportingMta.localHostName(), RetrySchedule.DEFAULT, Timeouts.DEFAULT,
            CacheLimits.DEFAULT, 20, TlsPolicy.MAY, Map.of(), 50, DEFAULT_DELAY_NOTICE);
    }

    public DeliverySettings {
        tlsByNextHop = Map.copyOf(tlsByNextHop);
    }

    public TlsPolicy tlsFor(String nextHop) {
        return tlsByNextHop.getOrDefault(nextHop, defaultTls);
    }

    private static final Set<String> ELEMENTS = Set.of("queue", "threads", "heloName", "retry", "timeouts",
        "connectionCache", "concurrencyPerDestination", "tls", "maxReceivedHeaders", "delayNotice");

    /** Reads and checks the file's content; an absent file ({@code empty}) gives the defaults. */
    public static DeliverySettings from(HierarchicalConfiguration<ImmutableNode> xml) throws ConfigurationException {
        DeliverySettings d = defaults();
        for (Iterator<String> keys = xml.getKeys(); keys.hasNext(); ) {
            String key = keys.next();
            String top = key.split("[.\\[]", 2)[0];
            if (!ELEMENTS.contains(top)) {
                throw new ConfigurationException(FILE + ": unknown element <" + top + ">; known: " + ELEMENTS);
            }
        }
        String queue = xml.getString("queue", d.queue()).trim();
        if (!queue.matches("[A-Za-z0-9_.-]+")) {
            throw invalid("queue", queue, "a queue name (letters, digits, . _ -)");
        }
        RetrySchedule retry;
        try {
            retry = new RetrySchedule(
                duration(xml, "retry.first", d.retry().first()),
                duration(xml, "retry.max", d.retry().max()),
                duration(xml, "retry.giveUpAfter", d.retry().giveUpAfter()));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(FILE + ": <retry>: " + e.getMessage());
        }
        Timeouts t = d.timeouts();
        Timeouts timeouts = new Timeouts(
            duration(xml, "timeouts.connect", t.connect()), duration(xml, "timeouts.greeting", t.greeting()),
            duration(xml, "timeouts.mail", t.mail()), duration(xml, "timeouts.rcpt", t.rcpt()),
            duration(xml, "timeouts.data", t.data()), duration(xml, "timeouts.dataBlock", t.dataBlock()),
            duration(xml, "timeouts.dataEnd", t.dataEnd()));
        CacheLimits c = d.connectionCache();
        CacheLimits cache = new CacheLimits(duration(xml, "connectionCache.idleTime", c.idleTime()),
            positive(xml, "connectionCache.maxUses", c.maxUses()), duration(xml, "connectionCache.maxLifetime", c.maxLifetime()));
        Map<String, TlsPolicy> byNextHop = new HashMap<>();
        List<HierarchicalConfiguration<ImmutableNode>> routes = xml.configurationsAt("tls.nexthop");
        for (HierarchicalConfiguration<ImmutableNode> route : routes) {
            String name = route.getString("[@name]", "").trim();
            if (name.isEmpty()) {
                throw invalid("tls/nexthop@name", name, "a next hop as recorded by ResolveNextHop, e.g. smtp:[10.0.0.5]:25 or mx:example.com");
            }
            byNextHop.put(name, tls("tls/nexthop@policy", route.getString("[@policy]", null)));
        }
        String heloName = xml.getString("heloName", d.heloName()).trim();
        if (!heloName.matches("[A-Za-z0-9.-]+|\\[[0-9A-Fa-f.:]+]")) {
            throw invalid("heloName", heloName, "a host name");
        }
        return new DeliverySettings(queue, positive(xml, "threads", d.threads()), heloName, retry, timeouts, cache,
            positive(xml, "concurrencyPerDestination", d.concurrencyPerDestination()),
            xml.containsKey("tls[@policy]") ? tls("tls@policy", xml.getString("tls[@policy]")) : d.defaultTls(),
            byNextHop, positive(xml, "maxReceivedHeaders", d.maxReceivedHeaders()), duration(xml, "delayNotice", d.delayNotice()));
    }

    private static TlsPolicy tls(String element, String value) throws ConfigurationException {
        try {
            return TlsPolicy.parse(value);
        } catch (IllegalArgumentException e) {
            throw invalid(element, value, e.getMessage());
        }
    }

    private static Duration duration(HierarchicalConfiguration<ImmutableNode> xml, String key, Duration fallback)
            throws ConfigurationException {
        String value = xml.getString(key, null);
        if (value == null) {
            return fallback;
        }
        return Durations.parse(value).orElseThrow(() -> invalid(key.replace('.', '/'), value,
            "a positive duration such as 500ms, 30s, 5m or 120h"));
    }

    private static int positive(HierarchicalConfiguration<ImmutableNode> xml, String key, int fallback) throws ConfigurationException {
        String value = xml.getString(key, null);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(key.replace('.', '/'), value, "a whole number, 1 or more");
    }

    private static ConfigurationException invalid(String element, String value, String rule) {
        return new ConfigurationException(FILE + ": <" + element + "> = '" + value + "': must be " + rule);
    }
}
