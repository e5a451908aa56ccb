package org.postern.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.apache.james.GuiceJamesServer;
import org.apache.james.utils.DataProbeImpl;
import org.apache.james.utils.WebAdminGuiceProbe;
import org.postern.server.check.ConfigurationCheck;
import org.postern.server.check.Finding;

/**
 * {@code bin/postern} ends here. Start-up checks the conf directory ({@link ConfigurationCheck}: warnings are printed,
 * an error stops it), runs James and the delivery and admin routes, seeds the demo data in dev mode, and only then
 * opens the SMTP and POP3 listeners and prints one line on stdout: {@code postern: ready: smtp 127.0.0.1:2525, …}.
 * {@code check} does the same on a scratch data directory, with every listener on a free loopback port, admin routes
 * loaded but not started, then stops and says what it found. Exit status 2 means the command line or the
 * configuration is wrong; the one-line message on stderr names the file, line or element, and value.
 */
public final class PosternServerMain {
    static final String DEV_DOMAIN = "example.test";
    static final String DEV_USER = "demo@example.test";
    static final String DEV_PASSWORD = "demo";
    private static final String CHECK_LOGGING = "org/postern/server/check/logback-check.xml";

    private PosternServerMain() {
    }

    public static void main(String[] args) {
        LaunchOptions options;
        try {
            LogDestination.verify(System.getenv());
            options = LaunchOptions.parse(args);
        } catch (LaunchOptions.UsageException | InvalidConfigurationException e) {
            fail(2, e.getMessage());
            return;
        }
        if (options.mode() == LaunchOptions.Mode.CHECK) {
            check(options);
            return;
        }
        List<Finding> findings = ConfigurationCheck.run(options.conf());
        findings.stream().filter(finding -> !finding.isError()).forEach(finding -> System.err.println("postern: " + finding));
        Finding error = findings.stream().filter(Finding::isError).findFirst().orElse(null);
        if (error != null) {
            fail(2, error.text());
            return;
        }
        try {
            Files.createDirectories(options.data());
        } catch (IOException e) {
            fail(2, "--data " + options.data() + ": " + e.getMessage());
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
            StartupFailure failure = StartupFailure.explain(e, options.conf());
            fail(failure.isConfiguration() ? 2 : 1, failure.message());
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "postern-shutdown"));
        System.out.println("postern: ready: " + listening + ", webadmin port "
            + server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue());
        System.out.flush();
    }

    /**
     * {@code check}: every finding of {@link ConfigurationCheck}, then (when there is no error) a trial start as
     * {@code start} would run, on a scratch data directory that is deleted afterwards.
     */
    private static void check(LaunchOptions options) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", CHECK_LOGGING);
        }
        List<Finding> findings = ConfigurationCheck.run(options.conf());
        findings.forEach(finding -> System.err.println("postern: " + finding));
        long errors = findings.stream().filter(Finding::isError).count();
        long warnings = findings.size() - errors;
        if (errors > 0) {
            fail(2, "check: " + options.conf() + ": " + errors + " error(s), " + warnings + " warning(s)");
            return;
        }
        System.setProperty(org.postern.camel.DeliveryContext.TRIAL_START_PROPERTY, "true");
        Path scratch;
        try {
            scratch = Files.createTempDirectory("postern-check-");
        } catch (IOException e) {
            fail(1, "check: cannot make a scratch data directory: " + e.getMessage());
            return;
        }
        GuiceJamesServer server = PosternServer.create(options.conf(), scratch, options.listeners());
        try {
            server.start();
            PosternServer.openListeners(server);
        } catch (Throwable e) {
            server.stop();
            delete(scratch);
            StartupFailure failure = StartupFailure.explain(e, options.conf());
            fail(failure.isConfiguration() ? 2 : 1, "check: " + failure.message());
            return;
        }
        server.stop();
        delete(scratch);
        System.out.println("postern: check: " + options.conf() + ": no errors, " + warnings + " warning(s); a trial start "
            + "on a scratch data directory succeeded");
        System.out.flush();
        System.exit(0);
    }

    private static void delete(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            System.err.println("postern: check: could not delete " + directory + ": " + e.getMessage());
        }
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
