package org.postern.server;

import java.io.IOException;
import java.nio.file.Files;

import org.apache.james.GuiceJamesServer;
import org.apache.james.utils.DataProbeImpl;
import org.apache.james.utils.WebAdminGuiceProbe;

/**
 * {@code bin/postern} ends here. Start-up runs James and the delivery and admin routes, seeds the demo data in dev
 * mode, and only then opens the SMTP and POP3 listeners and prints one line on stdout:
 * {@code postern: ready: smtp 127.0.0.1:2525, …}. Exit status 2 means the command line or the configuration is wrong; the
 * one-line message on stderr names the file, element and value.
 */
public final class PosternServerMain {
    static final String DEV_DOMAIN = "example.test";
    static final String DEV_USER = "demo@example.test";
    static final String DEV_PASSWORD = "demo";

    private PosternServerMain() {
    }

    public static void main(String[] args) {
        LaunchOptions options;
        try {
            LogDestination.verify(System.getenv());
            options = LaunchOptions.parse(args);
            ConfDirectoryCheck.verify(options.conf());
            Files.createDirectories(options.data());
        } catch (LaunchOptions.UsageException | InvalidConfigurationException | IOException e) {
            fail(2, e.getMessage());
            return;
        }
        GuiceJamesServer server = PosternServer.create(options.conf(), options.data(), options.listeners());
        String listening;
        try {
            server.start();
            if (options.mode() == LaunchOptions.Mode.DEV) {
                seedDevData(server);
            }
            listening = PosternServer.openListeners(server);
        } catch (Throwable e) {
            server.stop();
            StartupFailure failure = StartupFailure.explain(e);
            fail(failure.isConfiguration() ? 2 : 1, failure.message());
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "postern-shutdown"));
        System.out.println("postern: ready: " + listening + ", webadmin port "
            + server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort());
        System.out.flush();
    }

    /** Dev mode only: a domain and a user to try the server with. */
    static void seedDevData(GuiceJamesServer server) throws Exception {
        DataProbeImpl data = server.getProbe(DataProbeImpl.class);
        if (!data.containsDomain(DEV_DOMAIN)) {
            data.addDomain(DEV_DOMAIN);
        }
        if (java.util.Arrays.stream(data.listUsers()).noneMatch(DEV_USER::equals)) {
            data.addUser(DEV_USER, DEV_PASSWORD);
        }
    }

    private static void fail(int status, String message) {
        System.err.println("postern: " + message);
        System.exit(status);
    }
}
