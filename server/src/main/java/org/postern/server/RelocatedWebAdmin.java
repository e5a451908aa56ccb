package org.postern.server;

import java.util.Optional;

import javax.inject.Inject;
import javax.inject.Provider;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.modules.server.WebAdminServerModule;
import org.apache.james.utils.PropertiesProvider;
import org.apache.james.webadmin.FixedPortSupplier;
import org.apache.james.webadmin.RandomPortSupplier;
import org.apache.james.webadmin.WebAdminConfiguration;

/**
 * webadmin.properties as James reads it, on the launcher's host and port (dev mode, tests, and {@code check}'s
 * trial start on port 0, a free one) and always enabled; everything else (JWT key, HTTPS, CORS, extra routes) as
 * the file says, so that a conf with {@code jwt.enabled=true} starts the same way there.
 */
final class RelocatedWebAdmin implements Provider<WebAdminConfiguration> {
    private final int port;
    private final String host;
    @Inject
    private FileSystem fileSystem;
    @Inject
    private PropertiesProvider properties;

    RelocatedWebAdmin(int port, String host) {
        this.port = port;
        this.host = host;
    }

    @Override
    public WebAdminConfiguration get() {
        WebAdminConfiguration file;
        try {
            file = new WebAdminServerModule().provideWebAdminConfiguration(fileSystem, properties);
        } catch (Exception e) {
            throw new IllegalStateException("webadmin.properties: " + e.getMessage(), e);
        }
        return WebAdminConfiguration.builder()
            .enabled()
            .port(port == 0 ? new RandomPortSupplier() : new FixedPortSupplier(port))
            .host(host)
            .tls(file.isTlsEnabled() ? Optional.of(file.getTlsConfiguration()) : Optional.empty())
            .enableCORS(file.isEnableCORS())
            .urlCORSOrigin(file.getUrlCORSOrigin())
            .additionalRoutes(file.getAdditionalRoutes())
            .jwtPublicKeyPEM(file.getJwtPublicKey())
            .minThreadCount(file.getMinThreadCount())
            .maxThreadCount(file.getMaxThreadCount())
            .build();
    }
}
