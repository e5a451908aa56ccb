package org.postern.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.configuration2.Configuration;
import org.postern.config.Durations;

/**
 * The JDBC settings of {@code james-database.properties}, validated once at start-up.
 *
 * <p>Embedded Derby is the default; a relative Derby path is resolved against the data directory so that all
 * state lives under one folder. Switching to PostgreSQL is a matter of driver, URL, user and password.
 * Keys starting with {@code openjpa.} are passed to OpenJPA unchanged.</p>
 *
 * <p>{@code node.name} is the name this node writes into the database beside what it does (ledger events, POP3
 * mailbox locks), so that nodes sharing one PostgreSQL can be told apart; default the machine's host name.</p>
 */
public record DatabaseConfiguration(String driverClassName, String url, Optional<String> username,
                                    Optional<String> password, int maxConnections, Map<String, String> openJpaProperties,
                                    Duration cacheTtl, String nodeName) {
    public static final String FILE = "james-database.properties";
    /** More than the spooler's threads plus the protocol servers' needs: a starved pool stalls delivery. */
    static final int DEFAULT_MAX_CONNECTIONS = 64;
    /** How long this node trusts what it read about domains, users and aliases (changes by another node show within it). */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(10);
    private static final String DERBY_PREFIX = "jdbc:derby:";
    private static final java.util.regex.Pattern NODE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public static DatabaseConfiguration from(Configuration properties, Path dataDirectory) {
        String driver = required(properties, "database.driverClassName");
        String url = required(properties, "database.url");
        if (!url.startsWith("jdbc:")) {
            throw new InvalidConfigurationException(FILE, "database.url", url, "must be a JDBC URL (jdbc:...)");
        }
        try {
            Class.forName(driver);
        } catch (ClassNotFoundException e) {
            throw new InvalidConfigurationException(FILE, "database.driverClassName", driver,
                "no such JDBC driver on the classpath (Derby and PostgreSQL are shipped)");
        }
        Map<String, String> openJpa = new HashMap<>();
        Iterator<String> keys = properties.getKeys("openjpa");
        while (keys.hasNext()) {
            String key = keys.next();
            openJpa.put(key, properties.getString(key));
        }
        return new DatabaseConfiguration(driver, resolveDerbyPath(url, dataDirectory),
            optional(properties, "database.username"), optional(properties, "database.password"),
            maxConnections(properties), Map.copyOf(openJpa), cacheTtl(properties), nodeName(properties));
    }

    /** {@code node.name}, else the machine's host name (in a container, the name compose or {@code --hostname} gives it). */
    private static String nodeName(Configuration properties) {
        String value = properties.getString("node.name", null);
        if (value == null) {
            return machineName();
        }
        if (!NODE_NAME.matcher(value.trim()).matches()) {
            throw new InvalidConfigurationException(FILE, "node.name", value,
                "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return value.trim();
    }

    static String machineName() {
        String name;
        try {
            name = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            // "name: name: Name or service not known": the name is known, its address is not
            String message = String.valueOf(e.getMessage());
            name = message.contains(":") ? message.substring(0, message.indexOf(':')).trim() : "localhost";
        }
        String cut = name.length() > 64 ? name.substring(0, 64) : name;
        return NODE_NAME.matcher(cut).matches() ? cut : "localhost";
    }

    /** jdbc:derby:var/derby;create=true becomes jdbc:derby:/data/dir/var/derby;create=true. */
    static String resolveDerbyPath(String url, Path dataDirectory) {
        if (!url.startsWith(DERBY_PREFIX)) {
            return url;
        }
        String rest = url.substring(DERBY_PREFIX.length());
        int attributes = rest.indexOf(';');
        String database = attributes < 0 ? rest : rest.substring(0, attributes);
        String suffix = attributes < 0 ? "" : rest.substring(attributes);
        if (database.isEmpty() || database.contains(":") || Path.of(database).isAbsolute()) {
            return url;
        }
        return DERBY_PREFIX + dataDirectory.resolve(database).toAbsolutePath().normalize() + suffix;
    }

    public boolean isDerby() {
        return url.startsWith(DERBY_PREFIX);
    }

    private static int maxConnections(Configuration properties) {
        String value = properties.getString("datasource.maxTotal", String.valueOf(DEFAULT_MAX_CONNECTIONS)).trim();
        try {
            int max = Integer.parseInt(value);
            if (max > 0) {
                return max;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidConfigurationException(FILE, "datasource.maxTotal", value, "must be a positive whole number");
    }

    /** {@code cache.ttl}: a duration (10s, 1m), or 0 to read the database every time. */
    private static Duration cacheTtl(Configuration properties) {
        String value = properties.getString("cache.ttl", null);
        if (value == null) {
            return DEFAULT_CACHE_TTL;
        }
        if (value.trim().equals("0")) {
            return Duration.ZERO;
        }
        return Durations.parse(value).orElseThrow(() -> new InvalidConfigurationException(FILE, "cache.ttl", value,
            "must be a duration (500ms, 10s, 1m) or 0 for no cache"));
    }

    private static String required(Configuration properties, String key) {
        String value = properties.getString(key, null);
        if (value == null || value.isBlank()) {
            throw new InvalidConfigurationException(FILE, key, String.valueOf(value), "is required");
        }
        return value.trim();
    }

    private static Optional<String> optional(Configuration properties, String key) {
        return Optional.ofNullable(properties.getString(key, null)).filter(value -> !value.isBlank());
    }
}
