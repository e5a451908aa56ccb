package org.postern.server.check;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.server.core.configuration.FileConfigurationProvider;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.postern.acceptance.RelayDomains;
import org.postern.config.HostName;
import org.postern.delivery.DeliverySettings;
import org.postern.dns.DnsSettings;
import org.postern.ledger.LedgerSettings;
import org.postern.routing.TransportTable;
import org.postern.server.ConfDirectoryCheck;
import org.postern.server.InvalidConfigurationException;
import org.postern.server.PosternDirectories;

/**
 * What start-up checks before James reads the conf directory, and {@code bin/postern check} before its trial
 * start: the files are there and well-formed ({@link ConfDirectoryCheck}); Postern's own settings files read by the
 * same readers as at start-up (delivery.xml, relaydomains.xml, ledger.xml, dnsservice.xml, transport.xml), which
 * refuse unknown elements at every level; then the pipeline ({@link PipelineCheck}). Every error is reported, not
 * only the first.
 */
public final class ConfigurationCheck {
    private ConfigurationCheck() {
    }

    public static List<Finding> run(Path conf) {
        try {
            ConfDirectoryCheck.verify(conf);
        } catch (InvalidConfigurationException e) {
            return List.of(Finding.error(e.getMessage()));
        }
        List<Finding> findings = new ArrayList<>();
        ConfigurationProvider files = files(conf);
        Optional<String> outboundQueue = read(findings, () -> DeliverySettings.from(files.getConfiguration("delivery")))
            .map(DeliverySettings::queue);
        read(findings, () -> RelayDomains.from(files.getConfiguration("relaydomains")));
        read(findings, () -> LedgerSettings.from(files.getConfiguration("ledger")));
        read(findings, () -> DnsSettings.from(files.getConfiguration("dnsservice")));
        read(findings, () -> HostName.resolve(files));
        Path transport = conf.resolve(TransportTable.FILE);
        if (Files.isRegularFile(transport)) {
            read(findings, () -> {
                try (InputStream in = Files.newInputStream(transport)) {
                    return TransportTable.parse(in, TransportTable.FILE, conf);
                }
            });
        }
        findings.addAll(PipelineCheck.check(conf, outboundQueue.orElse(null)));
        return findings;
    }

    private interface Reading<T> {
        T read() throws ConfigurationException, IOException;
    }

    private static <T> Optional<T> read(List<Finding> findings, Reading<T> reading) {
        try {
            return Optional.of(reading.read());
        } catch (ConfigurationException | IOException | RuntimeException e) {
            findings.add(Finding.error(e.getMessage()));
            return Optional.empty();
        }
    }

    /** The conf files as James reads them ({@code file://conf/…}). */
    private static ConfigurationProvider files(Path conf) {
        Configuration.Basic configuration = new Configuration.Basic(new Configuration.ConfigurationPath("file://conf/"),
            new PosternDirectories(conf, conf));
        return new FileConfigurationProvider(new FileSystemImpl(configuration.directories()), configuration);
    }
}
