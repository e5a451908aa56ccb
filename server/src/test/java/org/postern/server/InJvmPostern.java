package org.postern.server;

import java.nio.file.Path;

import org.apache.james.GuiceJamesServer;
import org.apache.james.utils.DataProbeImpl;

/** Postern started inside the test JVM on free loopback ports, with the shipped james-conf. */
final class InJvmPostern implements AutoCloseable {
    static final Path SHIPPED_CONF = Path.of("..", "james-conf").toAbsolutePath().normalize();

    private final GuiceJamesServer server;
    private final Ports ports;

    private InJvmPostern(GuiceJamesServer server, Ports ports) {
        this.server = server;
        this.ports = ports;
    }

    /** A copy of the shipped conf, folders included (routes/), for tests that change one file. */
    static Path copyOfShippedConf(Path target) throws java.io.IOException {
        java.nio.file.Files.createDirectories(target);
        try (var shipped = java.nio.file.Files.walk(SHIPPED_CONF)) {
            for (Path file : shipped.filter(path -> !path.equals(SHIPPED_CONF)).sorted().toList()) {
                Path copy = target.resolve(SHIPPED_CONF.relativize(file).toString());
                if (java.nio.file.Files.isDirectory(file)) {
                    java.nio.file.Files.createDirectories(copy);
                } else {
                    java.nio.file.Files.copy(file, copy);
                }
            }
        }
        return target;
    }

    static InJvmPostern start(Path data) throws Exception {
        return start(SHIPPED_CONF, data);
    }

    static InJvmPostern start(Path conf, Path data) throws Exception {
        return start(conf, data, true);
    }

    /** {@code deliveryRoutes} false: composed without the delivery module, as a stock James would be. */
    static InJvmPostern start(Path conf, Path data, boolean deliveryRoutes) throws Exception {
        Ports ports = Ports.free();
        GuiceJamesServer server = PosternServer.create(conf, data, ports.listeners(), deliveryRoutes)
            .combineWith(binder -> com.google.inject.multibindings.Multibinder.newSetBinder(binder, org.apache.james.utils.GuiceProbe.class)
                .addBinding().to(SpoolProbe.class));
        try {
            server.start();
            PosternServer.openListeners(server);
        } catch (Throwable e) {
            server.stop(); // frees its ports and JMX names for the next test in this JVM
            throw e;
        }
        return new InJvmPostern(server, ports);
    }

    Ports ports() {
        return ports;
    }

    <T extends org.apache.james.utils.GuiceProbe> T probe(Class<T> type) {
        return server.getProbe(type);
    }

    DataProbeImpl data() {
        return server.getProbe(DataProbeImpl.class);
    }

    InJvmPostern withUser(String domain, String user, String password) throws Exception {
        if (!data().containsDomain(domain)) {
            data().addDomain(domain);
        }
        data().addUser(user, password);
        return this;
    }

    @Override
    public void close() {
        server.stop();
    }
}
