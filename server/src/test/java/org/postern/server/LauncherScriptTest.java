package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/postern itself, in the layout it expects (bin/, server/target/postern-server.jar, server/target/lib/) built
 * from this build's classes and dependencies: the admin's commands start on the lean class path, and dev, start and
 * check still reach the server's launcher.
 */
class LauncherScriptTest {
    @TempDir
    static Path root;

    @BeforeAll
    static void layOut() throws Exception {
        Files.createDirectories(root.resolve("bin"));
        Path script = root.resolve("bin/postern");
        Files.copy(Path.of("..", "bin", "postern"), script);
        script.toFile().setExecutable(true);
        for (String folder : List.of("mailets", "routes")) {
            Files.createDirectories(root.resolve(folder));
        }
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Files.setLastModifiedTime(root.resolve("pom.xml"), FileTime.from(Instant.now().minusSeconds(3600)));
        Path target = Files.createDirectories(root.resolve("server/target"));
        Path lib = Files.createDirectories(target.resolve("lib"));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry).toAbsolutePath().normalize();
            if (Files.isDirectory(path)) {
                jar(path, path.equals(Path.of("target", "classes").toAbsolutePath()) ? target.resolve("postern-server.jar")
                    : lib.resolve(path.getParent().getParent().getFileName() + "-" + path.getFileName() + ".jar"));
            } else if (entry.endsWith(".jar") && !Files.exists(lib.resolve(path.getFileName()))) {
                Files.createSymbolicLink(lib.resolve(path.getFileName()), path);
            }
        }
        assertThat(target.resolve("postern-server.jar")).exists();
    }

    @Test
    void helpShouldListTheAdminsCommands() throws Exception {
        Run help = postern("help");

        assertThat(help.status).isZero();
        assertThat(help.out).startsWith("usage: postern [--conf DIR] [--json] COMMAND").contains("queue reroute DOMAIN NEXTHOP")
            .contains("explain ADDRESS [--from SENDER] [--client IP]").contains("users add USER");
    }

    @Test
    void anAdminCommandShouldFindWebadminThroughTheConfAndSayWhenItIsNotThere() throws Exception {
        Ports ports = Ports.free();
        Path conf = ChildPostern.loopbackConf(root.resolve("conf-admin"), ports);

        Run list = postern("--conf", conf.toString(), "queue", "list");

        assertThat(list.status).as(list.toString()).isEqualTo(1);
        assertThat(list.err).containsExactly("postern: cannot reach webadmin at http://127.0.0.1:" + ports.webAdmin()
            + " (Connection refused): is Postern running? (address from " + conf.resolve("webadmin.properties") + ")");
    }

    @Test
    void startShouldStillReachTheServersLauncher() throws Exception {
        Run start = postern("start", "--conf", root.resolve("no-such-conf").toString(), "--data", root.resolve("data").toString());

        assertThat(start.status).isEqualTo(2);
        assertThat(start.err).containsExactly("postern: --conf " + root.resolve("no-such-conf") + ": not a directory");
    }

    @Test
    void checkShouldReachTheServersLauncherWithTheConfToCheck() throws Exception {
        Path conf = ChildPostern.loopbackConf(root.resolve("conf-check"), Ports.free());
        Path mailets = conf.resolve("mailetcontainer.xml");
        Files.writeString(mailets, Files.readString(mailets).replace("<processor>relay-denied</processor>", "<processor>relay-denid</processor>"));

        Run check = postern("check", "--conf", conf.toString());

        assertThat(check.status).isEqualTo(2);
        assertThat(check.err).anySatisfy(line -> assertThat(line).startsWith("postern: error: " + mailets + ":")
            .contains("names processor \"relay-denid\", which does not exist; did you mean \"relay-denied\"?"));
        assertThat(check.err).last().isEqualTo("postern: check: " + conf + ": 1 error(s), 1 warning(s)");
    }

    // ---- the container's entrypoint (docker/docker-entrypoint.sh), on the same layout: POSTERN_HOME is server/target

    @Test
    void theEntrypointsCheckShouldCheckTheConfItGenerates() throws Exception {
        Path defaults = ChildPostern.loopbackConf(root.resolve("image-defaults"), Ports.free());
        Path mailets = defaults.resolve("mailetcontainer.xml");
        Files.writeString(mailets, Files.readString(mailets).replace("class=\"RemoveMimeHeader\"", "class=\"RemoveMimeHeadr\""));

        Run check = entrypoint(defaults, root.resolve("generated-unused"), "check");

        assertThat(check.status).as(check.toString()).isEqualTo(2);
        assertThat(check.err).anySatisfy(line -> assertThat(line).startsWith("postern: error: ").contains("/mailetcontainer.xml:")
            .contains("no such mailet class (looked for RemoveMimeHeadr"));
        assertThat(root.resolve("generated-unused")).as("a running server's conf is left alone").doesNotExist();
    }

    @Test
    void theEntrypointsAdminCommandsShouldFindWebadminInTheGeneratedConf() throws Exception {
        Ports ports = Ports.free();
        Path generated = ChildPostern.loopbackConf(root.resolve("generated"), ports);

        Run list = entrypoint(root.resolve("no-defaults"), generated, "queue", "list");

        assertThat(list.status).as(list.toString()).isEqualTo(1);
        assertThat(list.err).containsExactly("postern: cannot reach webadmin at http://127.0.0.1:" + ports.webAdmin()
            + " (Connection refused): is Postern running? (address from " + generated.resolve("webadmin.properties") + ")");
    }

    private static Run entrypoint(Path defaults, Path generated, String... args) throws Exception {
        Path script = root.resolve("docker-entrypoint.sh");
        if (!Files.exists(script)) {
            Files.copy(Path.of("..", "docker", "docker-entrypoint.sh"), script);
            script.toFile().setExecutable(true);
        }
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(Arrays.asList(args));
        return run(command, java.util.Map.of("POSTERN_DEFAULT_CONF", defaults.toString(),
            "POSTERN_CONF_DIR", root.resolve("no-mounted-conf").toString(), "POSTERN_GENERATED_CONF", generated.toString(),
            "POSTERN_DATA_DIR", root.resolve("container-data").toString(), "POSTERN_HOME", root.resolve("server/target").toString()));
    }

    record Run(int status, String out, List<String> err) {
    }

    private static Run postern(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(root.resolve("bin/postern").toString()));
        command.addAll(Arrays.asList(args));
        return run(command, java.util.Map.of());
    }

    private static Run run(List<String> command, java.util.Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator
            + builder.environment().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().remove("POSTERN_WEBADMIN");
        builder.environment().remove("POSTERN_WEBADMIN_TOKEN");
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not exit");
        }
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8).lines()
            .filter(line -> line.startsWith("postern:")).toList());
    }

    /** A jar of a folder of classes, as Maven packages it. */
    private static void jar(Path classes, Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             Stream<Path> entries = Files.walk(classes)) {
            for (Path entry : entries.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(entry).toString().replace(File.separatorChar, '/')));
                Files.copy(entry, out);
                out.closeEntry();
            }
        }
    }
}
