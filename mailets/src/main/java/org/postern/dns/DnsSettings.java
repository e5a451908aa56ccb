package org.postern.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.postern.config.Durations;
import org.postern.config.KnownElements;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;

/**
 * Which DNS servers Postern asks, read from James's own {@code dnsservice.xml} so that one file sets DNS for James
 * and Postern alike: {@code <servers><server>}, {@code <autodiscover>} (the system resolvers), plus Postern's
 * {@code <timeout>} (per query, default 5 s), {@code <retries>} (per server, default 2) and {@code <minimumTtl>}
 * (answers are kept at least this long, default 5 s, 0 for none: the routing decision and the delivery attempt a
 * moment later then share one lookup even when a record's TTL is 0).
 *
 * <p>{@code <resolvers><resolver>host:port</resolver></resolvers>}, Postern's own element, names servers on another
 * port than 53 (a local dnsmasq or Unbound on 5353, a test's loopback server): James's DNS service takes bare
 * addresses only and refuses to start on {@code host:port}, and it ignores this element. When given, Postern's
 * lookups go to these servers only, whatever {@code <servers>} and {@code <autodiscover>} say.</p>
 */
public record DnsSettings(List<InetSocketAddress> servers, Duration timeout, int retries, Duration minimumTtl) {
    public static final String FILE = "dnsservice.xml";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    static final int DEFAULT_RETRIES = 2;
    static final Duration DEFAULT_MINIMUM_TTL = Duration.ofSeconds(5);

    public DnsSettings {
        servers = List.copyOf(servers);
    }

    /** James's own elements (DNSJavaService) and Postern's. */
    private static final KnownElements ELEMENTS = new KnownElements(FILE, Set.of("servers/server", "autodiscover",
        "authoritative", "maxcachesize", "negativeCacheTTL", "verbose", "setAsDNSJavaDefault", "searchpaths/searchpath",
        "singleIPperMX", "timeout", "retries", "minimumTtl", "resolvers/resolver"));

    public static DnsSettings from(HierarchicalConfiguration<ImmutableNode> dnsservice) throws ConfigurationException {
        java.util.Optional<String> unknown = ELEMENTS.unknownIn(dnsservice);
        if (unknown.isPresent()) {
            throw new ConfigurationException(unknown.get());
        }
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String resolver : dnsservice.getStringArray("resolvers.resolver")) {
            servers.add(parseServer(resolver.trim(), "<resolver>"));
        }
        if (servers.isEmpty() && dnsservice.getKeys("resolvers").hasNext()) {
            throw new ConfigurationException(FILE + ": <resolvers> is empty: name at least one <resolver>host:port</resolver>");
        }
        if (servers.isEmpty()) {
            for (String server : dnsservice.getStringArray("servers.server")) {
                servers.add(parseServer(server.trim(), "<server>"));
            }
            if (dnsservice.getBoolean("autodiscover", true)) {
                servers.addAll(ResolverConfig.getCurrentConfig().servers());
            }
        }
        if (servers.isEmpty()) {
            throw new ConfigurationException(FILE + ": <servers> is empty and <autodiscover> is false: no DNS server to ask");
        }
        return new DnsSettings(servers, parseTimeout(dnsservice.getString("timeout", null)), parseRetries(dnsservice.getString("retries", null)),
            parseMinimumTtl(dnsservice.getString("minimumTtl", null)));
    }

    /** One resolver over all servers, each asked in turn ({@code ExtendedResolver}), TCP fallback on truncation. */
    public Resolver resolver() {
        List<Resolver> resolvers = new ArrayList<>();
        for (InetSocketAddress server : servers) {
            SimpleResolver resolver = new SimpleResolver(server);
            resolver.setTimeout(timeout);
            resolvers.add(resolver);
        }
        ExtendedResolver extended = new ExtendedResolver(resolvers);
        extended.setRetries(retries);
        extended.setTimeout(timeout.multipliedBy((long) servers.size() * (retries + 1)));
        extended.setLoadBalance(false);
        return extended;
    }

    /** The lookups this node makes, on these servers, keeping answers at least {@link #minimumTtl()}. */
    public MxLookup mxLookup() {
        return new MxLookup(resolver(), minimumTtl);
    }

    private static Duration parseMinimumTtl(String value) throws ConfigurationException {
        if (value == null) {
            return DEFAULT_MINIMUM_TTL;
        }
        if (value.trim().equals("0")) {
            return Duration.ZERO;
        }
        return Durations.parse(value).orElseThrow(() -> new ConfigurationException(
            FILE + ": <minimumTtl> = '" + value + "': must be a duration such as 5s, or 0"));
    }

    static InetSocketAddress parseServer(String server, String element) throws ConfigurationException {
        String host = server;
        int port = 53;
        if (server.startsWith("[")) {
            int close = Math.max(server.indexOf(']'), 1);
            host = server.substring(1, close);
            if (server.length() > close + 1 && server.charAt(close + 1) == ':') {
                port = port(server.substring(close + 2), server, element);
            }
        } else if (server.chars().filter(c -> c == ':').count() == 1) {
            host = server.substring(0, server.indexOf(':'));
            port = port(server.substring(server.indexOf(':') + 1), server, element);
        }
        if (!host.matches("[0-9a-fA-F.:]+")) {
            throw new ConfigurationException(FILE + ": " + element + " = '" + server + "': must be an IP address, optionally with :port");
        }
        return new InetSocketAddress(host, port);
    }

    private static int port(String value, String server, String element) throws ConfigurationException {
        try {
            int port = Integer.parseInt(value);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigurationException(FILE + ": " + element + " = '" + server + "': the port must be a number from 1 to 65535");
    }

    static Duration parseTimeout(String value) throws ConfigurationException {
        if (value == null) {
            return DEFAULT_TIMEOUT;
        }
        return Durations.parse(value).orElseThrow(() -> new ConfigurationException(
            FILE + ": <timeout> = '" + value + "': must be a positive duration such as 5s or 500ms"));
    }

    static int parseRetries(String value) throws ConfigurationException {
        if (value == null) {
            return DEFAULT_RETRIES;
        }
        try {
            int retries = Integer.parseInt(value.trim());
            if (retries >= 0) {
                return retries;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigurationException(FILE + ": <retries> = '" + value + "': must be a whole number, 0 or more");
    }
}
