package org.postern.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;


/**
 * The running Postern's webadmin, as {@code bin/postern}'s admin commands reach it:
 * <ol>
 *   <li>with {@code --conf DIR}, from {@code DIR/webadmin.properties} as James reads it ({@code host}, default
 *       localhost, a wildcard meaning this host's loopback; {@code port}, default 8000; {@code https.enabled};
 *       {@code jwt.enabled});</li>
 *   <li>else the URL in {@code POSTERN_WEBADMIN} ({@code http://127.0.0.1:8000});</li>
 *   <li>else {@code http://127.0.0.1:8000}, where {@code bin/postern dev} listens.</li>
 * </ol>
 * With JWT on ({@code jwt.enabled=true}), every request carries {@code Authorization: Bearer} with the token in
 * {@code POSTERN_WEBADMIN_TOKEN} (an admin token signed with the key whose public half webadmin.properties names);
 * the token is sent whenever that variable is set.
 */
final class WebAdmin {
    static final String URL_VARIABLE = "POSTERN_WEBADMIN";
    static final String TOKEN_VARIABLE = "POSTERN_WEBADMIN_TOKEN";
    static final String DEFAULT_URL = "http://127.0.0.1:8000";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

    private final URI base;
    private final Optional<String> token;
    private final String origin;

    /** {@code origin}: where the address came from, for error messages. */
    WebAdmin(URI base, Optional<String> token, String origin) {
        this.base = base;
        this.token = token;
        this.origin = origin;
    }

    static WebAdmin locate(Optional<Path> conf, Map<String, String> environment) {
        Optional<String> token = Optional.ofNullable(environment.get(TOKEN_VARIABLE)).map(String::trim).filter(value -> !value.isEmpty());
        if (conf.isPresent()) {
            return fromProperties(conf.get().resolve("webadmin.properties"), token);
        }
        String url = environment.get(URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            try {
                URI uri = URI.create(url.trim().replaceAll("/+$", ""));
                if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                    throw new IllegalArgumentException("not an http(s) URL");
                }
                return new WebAdmin(uri, token, URL_VARIABLE + "=" + url.trim());
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage(URL_VARIABLE + " = '" + url + "': must be webadmin's URL, such as " + DEFAULT_URL);
            }
        }
        return new WebAdmin(URI.create(DEFAULT_URL), token, "the default " + DEFAULT_URL + " (set --conf DIR or " + URL_VARIABLE + ")");
    }

    private static WebAdmin fromProperties(Path file, Optional<String> token) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            throw CliFailure.usage(file + ": not found (without it webadmin is off)");
        } catch (IOException e) {
            throw CliFailure.usage(file + ": cannot be read: " + e.getMessage());
        }
        if (!"true".equalsIgnoreCase(properties.getProperty("enabled", "false").trim())) {
            throw CliFailure.usage(file + ": <enabled> is not true: webadmin is off, so there is nothing to talk to");
        }
        String port = properties.getProperty("port", "8000").trim();
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw CliFailure.usage(file + ": <port> = '" + port + "': not a port this command can reach (set " + URL_VARIABLE + ")");
        }
        String host = properties.getProperty("host", "localhost").trim();
        if (host.equals("0.0.0.0")) {
            host = "127.0.0.1";
        } else if (host.equals("::") || host.equals("[::]")) {
            host = "[::1]";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        String scheme = "true".equalsIgnoreCase(properties.getProperty("https.enabled", "false").trim()) ? "https" : "http";
        if ("true".equalsIgnoreCase(properties.getProperty("jwt.enabled", "false").trim()) && token.isEmpty()) {
            throw CliFailure.usage(file + ": jwt.enabled=true: webadmin takes admin tokens only; put one in " + TOKEN_VARIABLE);
        }
        return new WebAdmin(URI.create(scheme + "://" + host + ":" + port), token, file.toString());
    }

    URI base() {
        return base;
    }

    /** An answer: the status and the body (JSON or empty). */
    record Answer(int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        Json json() {
            try {
                return Json.parse(body);
            } catch (IOException e) {
                throw CliFailure.failed("webadmin answered " + status + " with something that is not JSON: " + abbreviate(body));
            }
        }
    }

    Answer get(String path) {
        return send("GET", path, null);
    }

    Answer post(String path) {
        return send("POST", path, null);
    }

    Answer put(String path, String json) {
        return send("PUT", path, json);
    }

    Answer delete(String path) {
        return send("DELETE", path, null);
    }

    Answer head(String path) {
        return send("HEAD", path, null);
    }

    /** The answer when it is a success, else a failure with webadmin's own message. */
    Answer expect(Answer answer, String what) {
        if (answer.ok()) {
            return answer;
        }
        throw CliFailure.failed(what + ": " + reason(answer));
    }

    static String reason(Answer answer) {
        if (answer.status() == 401) {
            return "webadmin refused the request (401): give an admin token in " + TOKEN_VARIABLE;
        }
        try {
            Json error = Json.parse(answer.body());
            if (error != null && error.hasNonNull("message")) {
                return error.get("message").asText() + " (" + answer.status() + ")";
            }
        } catch (IOException e) {
            // not JSON: show it as it came
        }
        return "webadmin answered " + answer.status() + (answer.body().isBlank() ? "" : ": " + abbreviate(answer.body()));
    }

    private Answer send(String method, String path, String json) {
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) base.resolve(path).toURL().openConnection();
            connection.setRequestMethod(method);
            connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
            connection.setReadTimeout((int) REQUEST_TIMEOUT.toMillis());
            connection.setUseCaches(false);
            HttpURLConnection open = connection;
            token.ifPresent(value -> open.setRequestProperty("Authorization", "Bearer " + value));
            if (method.equals("POST") || method.equals("PUT")) {
                byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
                if (json != null) {
                    connection.setRequestProperty("Content-Type", "application/json");
                }
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(body.length);
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = connection.getResponseCode();
            InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            String body = "";
            if (in != null) {
                try (InputStream stream = in) {
                    body = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return new Answer(status, body);
        } catch (ConnectException e) {
            throw CliFailure.failed("cannot reach webadmin at " + base + " (" + what(e) + "): is Postern running? (address from "
                + origin + ")");
        } catch (SocketTimeoutException e) {
            throw CliFailure.failed("webadmin at " + base + " did not answer " + method + " " + path + " in time (" + what(e) + ")");
        } catch (IOException e) {
            throw CliFailure.failed("webadmin at " + base + ": " + what(e) + " (address from " + origin + ")");
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    private static String what(Exception e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** A query value, percent-encoded. */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A path segment, percent-encoded except for {@code @} and {@code :}, which a path may hold as they are. */
    static String segment(String value) {
        return encode(value).replace("%40", "@").replace("%3A", ":");
    }

    private static String abbreviate(String body) {
        String line = body.replaceAll("\\s+", " ").trim();
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
