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

    static InJvmPostern start(Path data) throws Exception {
        return start(SHIPPED_CONF, data);
    }

    static InJvmPostern start(Path conf, Path data) throws Exception {
        Ports ports = Ports.free();
        GuiceJamesServer server = PosternServer.create(conf, data, ports.listeners());
        try {
            server.start();
        } catch (Throwable e) {
            server.stop(); // frees its ports and JMX names for the next test in this JVM
            throw e;
        }
        return new InJvmPostern(server, ports);
    }

    Ports ports() {
        return ports;
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
