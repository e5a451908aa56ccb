package org.postern.delivery;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.postern.config.Durations;
import org.postern.config.HostName;
import org.postern.config.KnownElements;
import org.postern.queue.OutboundQueue;
import org.postern.smtp.client.SmtpTimeouts;
import org.postern.smtp.client.SourceAddress;

/**
 * Everything {@code delivery.xml} sets, validated once at start: a bad value stops start-up with a message that
 * names the file, the element and the value. Defaults follow Postfix where it has one.
 *
 * <pre>{@code
 * <delivery>
 *     <queue>outbound</queue>                    <!-- the James mail queue the hand-off mailet writes to -->
 *     <threads>20</threads>                      <!-- deliveries in progress at once -->
 *     <retry><first>5m</first><max>1h</max><giveUpAfter>120h</giveUpAfter></retry>
 *     <timeouts><connect>30s</connect><greeting>5m</greeting><mail>5m</mail><rcpt>5m</rcpt>
 *               <data>2m</data><dataBlock>3m</dataBlock><dataEnd>10m</dataEnd></timeouts>
 *     <connectionCache><idleTime>2s</idleTime><maxUses>100</maxUses><maxLifetime>300s</maxLifetime></connectionCache>
 *     <concurrencyPerDestination>20</concurrencyPerDestination>
 *     <tls level="may"><nexthop name="smtp:[10.0.0.5]:25" level="encrypt"/></tls>   <!-- see TlsSettings -->
 *     <sourceAddress>192.0.2.7</sourceAddress>   <!-- local address to connect from; default: the system's choice -->
 *     <maxReceivedHeaders>50</maxReceivedHeaders>
 *     <delayNotice>4h</delayNotice>              <!-- one "delayed" DSN per recipient still deferred after this -->
 * </delivery>
 * }</pre>
 * The EHLO name and the host of notices ({@code heloName}) is the server's {@link HostName}, set in postern.xml; an
 * earlier {@code <heloName>} here is still read and checked against it ({@link #withHeloName}).
 */
public record DeliverySettings(String queue, int threads, String heloName, RetrySchedule retry, SmtpTimeouts timeouts,
                               CacheLimits connectionCache, int concurrencyPerDestination, TlsSettings tls,
                               Optional<InetAddress> sourceAddress, int maxReceivedHeaders, Duration delayNotice) {
    public static final String FILE = "delivery.xml";
    /** After how long a still-deferred recipient's sender gets one delay notice (RFC 3464 Action: delayed). */
    public static final Duration DEFAULT_DELAY_NOTICE = Duration.ofHours(4);

    public DeliverySettings(String queue, int threads, String heloName, RetrySchedule retry, SmtpTimeouts timeouts,
                            CacheLimits connectionCache, int concurrencyPerDestination, TlsSettings tls, int maxReceivedHeaders) {
        this(queue, threads, heloName, retry, timeouts, connectionCache, concurrencyPerDestination, tls, Optional.empty(),
            maxReceivedHeaders, DEFAULT_DELAY_NOTICE);
    }

    /** Postfix's connection cache: how long an idle connection is kept, how often and how long it is reused. */
    public record CacheLimits(Duration idleTime, int maxUses, Duration maxLifetime) {
        public static final CacheLimits DEFAULT = new CacheLimits(Duration.ofSeconds(2), 100, Duration.ofSeconds(300));
    }

    /** These settings with the server's one host name ({@link HostName}) as the EHLO name and the host of notices. */
    public DeliverySettings withHeloName(String name) {
        return new DeliverySettings(queue, threads, name, retry, timeouts, connectionCache, concurrencyPerDestination, tls,
            sourceAddress, maxReceivedHeaders, delayNotice);
    }

    public static DeliverySettings defaults() {
        return new DeliverySettings(OutboundQueue.DEFAULT_NAME, 20, HostName.localHostName(), RetrySchedule.DEFAULT, SmtpTimeouts.DEFAULT,
            CacheLimits.DEFAULT, 20, TlsSettings.DEFAULT, Optional.empty(), 50, DEFAULT_DELAY_NOTICE);
    }

    private static final KnownElements ELEMENTS = new KnownElements(FILE, Set.of("queue", "threads", "heloName",
        "retry/first", "retry/max", "retry/giveUpAfter",
        "timeouts/connect", "timeouts/greeting", "timeouts/mail", "timeouts/rcpt", "timeouts/data", "timeouts/dataBlock",
        "timeouts/dataEnd", "connectionCache/idleTime", "connectionCache/maxUses", "connectionCache/maxLifetime",
        "concurrencyPerDestination", "tls@level", "tls@policy", "tls@caFile", "tls@mtaSts", "tls@daneTrustAnchors",
        "tls/nexthop@name", "tls/nexthop@level", "tls/nexthop@policy", "tls/nexthop@match",
        "sourceAddress", "maxReceivedHeaders", "delayNotice"));

    /** Reads and checks the file's content; an absent file ({@code empty}) gives the defaults. */
    public static DeliverySettings from(HierarchicalConfiguration<ImmutableNode> xml) throws ConfigurationException {
        DeliverySettings d = defaults();
        java.util.Optional<String> unknown = ELEMENTS.unknownIn(xml);
        if (unknown.isPresent()) {
            throw new ConfigurationException(unknown.get());
        }
        String queue = OutboundQueue.nameIn(xml);
        RetrySchedule retry;
        try {
            retry = new RetrySchedule(
                duration(xml, "retry.first", d.retry().first()),
                duration(xml, "retry.max", d.retry().max()),
                duration(xml, "retry.giveUpAfter", d.retry().giveUpAfter()));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(FILE + ": <retry>: " + e.getMessage());
        }
        SmtpTimeouts t = d.timeouts();
        SmtpTimeouts timeouts = new SmtpTimeouts(
            duration(xml, "timeouts.connect", t.connect()), duration(xml, "timeouts.greeting", t.greeting()),
            duration(xml, "timeouts.mail", t.mail()), duration(xml, "timeouts.rcpt", t.rcpt()),
            duration(xml, "timeouts.data", t.data()), duration(xml, "timeouts.dataBlock", t.dataBlock()),
            duration(xml, "timeouts.dataEnd", t.dataEnd()));
        CacheLimits c = d.connectionCache();
        CacheLimits cache = new CacheLimits(duration(xml, "connectionCache.idleTime", c.idleTime()),
            positive(xml, "connectionCache.maxUses", c.maxUses()), duration(xml, "connectionCache.maxLifetime", c.maxLifetime()));
        String heloName = xml.getString("heloName", d.heloName()).trim();
        if (!heloName.matches("[A-Za-z0-9.-]+|\\[[0-9A-Fa-f.:]+]")) {
            throw invalid("heloName", heloName, "a host name");
        }
        return new DeliverySettings(queue, positive(xml, "threads", d.threads()), heloName, retry, timeouts, cache,
            positive(xml, "concurrencyPerDestination", d.concurrencyPerDestination()), TlsSettings.from(xml),
            sourceAddress(xml.getString("sourceAddress", null)), positive(xml, "maxReceivedHeaders", d.maxReceivedHeaders()),
            duration(xml, "delayNotice", d.delayNotice()));
    }

    private static Optional<InetAddress> sourceAddress(String value) throws ConfigurationException {
        try {
            return value == null ? Optional.empty() : Optional.of(SourceAddress.parse(value));
        } catch (IllegalArgumentException e) {
            throw invalid("sourceAddress", value, e.getMessage());
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

    static ConfigurationException invalid(String element, String value, String rule) {
        return new ConfigurationException(FILE + ": <" + element + "> = '" + value + "': must be " + rule);
    }
}
