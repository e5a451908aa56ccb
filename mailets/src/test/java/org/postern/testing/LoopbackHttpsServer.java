package org.postern.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * An HTTPS server on a loopback address (the JDK's {@code HttpsServer}), answering scripted responses per path and
 * counting requests: an MTA-STS policy host for tests. On port 443, where a real MTA-STS client looks, it needs the
 * right to bind that port (root, as in CI).
 */
public final class LoopbackHttpsServer implements AutoCloseable {
    private record Response(int status, String contentType, String body) {
    }

    private final HttpsServer server;
    private final Map<String, Response> responses = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    private LoopbackHttpsServer(HttpsServer server) {
        this.server = server;
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.computeIfAbsent(path, any -> new AtomicInteger()).incrementAndGet();
            Response response = responses.getOrDefault(path, new Response(404, "text/plain", "not found\n"));
            byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.sendResponseHeaders(response.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** On port 443 of a free 127.0.44.x, x from {@code first}, presenting {@code tls}'s certificate (needs root). */
    public static LoopbackHttpsServer startOnPort443(int first, SSLContext tls) throws IOException {
        return startOnPort(443, first, tls);
    }

    /**
     * On {@code port} of a free 127.0.44.x, x from {@code first}, presenting {@code tls}'s certificate: for a client
     * told the port (see {@code MtaStsPolicies}'s constructor). {@code port} 0 takes a free one; start the other
     * hosts of a test on the first one's {@link #port()}.
     */
    public static LoopbackHttpsServer startOnPort(int port, int first, SSLContext tls) throws IOException {
        for (int host = first; host < 255; host++) {
            try {
                HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.44." + host), port), 20);
                server.setHttpsConfigurator(new HttpsConfigurator(tls));
                return new LoopbackHttpsServer(server);
            } catch (java.net.BindException taken) {
                // next address
            }
        }
        throw new IOException("no 127.0.44.x address with port " + port + " free" + (port < 1024 ? " (binding it needs root)" : ""));
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String host() {
        return server.getAddress().getAddress().getHostAddress();
    }

    public LoopbackHttpsServer respond(String path, int status, String contentType, String body) {
        responses.put(path, new Response(status, contentType, body));
        return this;
    }

    public int requests(String path) {
        AtomicInteger count = requests.get(path);
        return count == null ? 0 : count.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
