package org.postern.routing;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.postern.dns.DnsMetrics;
import org.postern.dns.DnsSettings;
import org.postern.dns.MxLookup;
import org.postern.metrics.PosternMetrics;

/**
 * The shared routing machinery of one James server: one DNS lookup (with its cache) built from dnsservice.xml,
 * and one live transport table per file, whatever number of mailets and matchers use them.
 */
@Singleton
public class RoutingServices {
    private final ConfigurationProvider configuration;
    private final FileSystem fileSystem;
    private final PosternMetrics metrics;
    private final Map<String, NextHopResolver> resolvers = new HashMap<>();
    private MxLookup mx;
    private DnsSettings dns;

    @Inject
    public RoutingServices(ConfigurationProvider configuration, FileSystem fileSystem, PosternMetrics metrics) {
        this.configuration = configuration;
        this.fileSystem = fileSystem;
        this.metrics = metrics;
    }

    public RoutingServices(ConfigurationProvider configuration, FileSystem fileSystem) {
        this(configuration, fileSystem, new PosternMetrics());
    }

    public synchronized NextHopResolver resolver(String transportTableUrl) throws IOException, ConfigurationException {
        NextHopResolver resolver = resolvers.get(transportTableUrl);
        if (resolver == null) {
            resolver = new NextHopResolver(TransportTableFile.load(path(transportTableUrl), Clock.systemUTC()), mx());
            resolvers.put(transportTableUrl, resolver);
        }
        return resolver;
    }

    /** Seconds until the cached DNS answer for this name expires, if one is cached. */
    public java.util.OptionalLong mxTtl(String name) throws ConfigurationException {
        return mx().cachedTtlSeconds(name);
    }

    /** The one MX lookup (and its cache) of this server, for delivery's per-attempt host lookups. */
    public MxLookup mxLookup() throws ConfigurationException {
        return mx();
    }

    /** The DNS servers and limits of dnsservice.xml (delivery builds its DNSSEC-validating resolver on them). */
    public synchronized DnsSettings dnsSettings() throws ConfigurationException {
        if (dns == null) {
            dns = DnsSettings.from(configuration.getConfiguration("dnsservice"));
        }
        return dns;
    }

    private synchronized MxLookup mx() throws ConfigurationException {
        if (mx == null) {
            mx = dnsSettings().mxLookup();
            metrics.register(new DnsMetrics(mx));
        }
        return mx;
    }

    private Path path(String url) throws IOException {
        try {
            return fileSystem.getFile(url).toPath();
        } catch (FileNotFoundException e) {
            throw new IOException(url + ": " + e.getMessage(), e);
        }
    }
}
