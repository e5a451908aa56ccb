package org.postern.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Postern in its production form ({@code start --conf --data}) in a child JVM, so that tests can restart it and
 * kill it with SIGKILL. Its conf is a copy of the shipped james-conf with the listeners moved to loopback ports.
 */
final class ChildPostern implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final Ports ports;
    private final Path log;

    private ChildPostern(Process process, Ports ports, Path log) {
        this.process = process;
        this.ports = ports;
        this.log = log;
    }

    /** Copies the shipped conf into {@code target}, listeners on the given loopback ports. */
    static Path loopbackConf(Path target, Ports ports) throws IOException {
        InJvmPostern.copyOfShippedConf(target);
        try (var files = Files.list(target)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(file, StandardCharsets.UTF_8)
                    .replace("0.0.0.0:25<", "127.0.0.1:" + ports.smtp() + "<")
                    .replace("0.0.0.0:587<", "127.0.0.1:" + ports.submission() + "<")
                    .replace("0.0.0.0:465<", "127.0.0.1:" + ports.smtps() + "<")
                    .replace("0.0.0.0:110<", "127.0.0.1:" + ports.pop3() + "<")
                    .replace("0.0.0.0:995<", "127.0.0.1:" + ports.pop3s() + "<")
                    .replace("port=8000", "port=" + ports.webAdmin());
                Files.writeString(file, text, StandardCharsets.UTF_8);
            }
        }
        return target;
    }

    static ChildPostern start(Path conf, Path data, Ports ports) throws Exception {
        return start(conf, data, ports, java.util.Map.of());
    }

    /** With these environment variables added to the child's (POSTERN_LOG, …). */
    static ChildPostern start(Path conf, Path data, Ports ports, java.util.Map<String, String> environment) throws Exception {
        // Kept after the test (the temp dirs are not), for post-mortems.
        Path log = Path.of("target", "child-logs", data.getParent().getFileName() + ".log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-Dlogback.configurationFile=" + conf.resolve("logback.xml"),
            "-cp", System.getProperty("java.class.path"),
            PosternServerMain.class.getName(), "start", "--conf", conf.toString(), "--data", data.toString()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        Files.writeString(log, "---- start " + Instant.now() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ChildPostern child = new ChildPostern(builder.start(), ports, log);
        child.awaitStarted();
        return child;
    }

    private void awaitStarted() throws Exception {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Postern exited with " + process.exitValue() + "; log: " + Files.readString(log));
            }
            if (listening(ports.smtp()) && listening(ports.pop3()) && listening(ports.webAdmin())) {
                return;
            }
            Thread.sleep(200);
        }
        process.destroyForcibly();
        throw new IllegalStateException("Postern did not start within " + START_TIMEOUT + "; log: " + Files.readString(log));
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(Ports.HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    Ports ports() {
        return ports;
    }

    /** What the child printed on stdout and stderr, and its log. */
    String output() throws IOException {
        return Files.readString(log);
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no flush, as in a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM: the orderly stop an init system would do. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    // ---- webadmin, the admin's interface, over HTTP

    int webAdmin(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + Ports.HOST + ":" + ports.webAdmin() + path))
            .timeout(Duration.ofSeconds(20));
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    String webAdminGet(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + Ports.HOST + ":" + ports.webAdmin() + path))
            .timeout(Duration.ofSeconds(20)).GET().build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    void addUser(String user, String password) throws Exception {
        String domain = user.substring(user.indexOf('@') + 1);
        webAdmin("PUT", "/domains/" + domain, null);
        int status = webAdmin("PUT", "/users/" + user, "{\"password\":\"" + password + "\"}");
        if (status != 204) {
            throw new IllegalStateException("PUT /users/" + user + " answered " + status);
        }
    }

    /** Queue ids named in the SMTP replies, read back from the log. */
    static List<String> queueIds(String reply) {
        Matcher matcher = Pattern.compile("Message received: (\\S+)").matcher(reply);
        return matcher.find() ? List.of(matcher.group(1)) : List.of();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
