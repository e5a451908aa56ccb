package org.postern.server;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The container's HEALTHCHECK: asks webadmin's {@code GET /healthcheck} and exits 0 when it answers 200 (healthy or
 * degraded), 1 otherwise. Plain JDK code, so that it runs in any JRE 17 image without curl.
 *
 * <pre>java -cp postern-server.jar org.postern.server.HealthCheck [http://127.0.0.1:8000/healthcheck]</pre>
 */
public final class HealthCheck {
    static final String DEFAULT_URL = "http://127.0.0.1:8000/healthcheck";
    private static final int TIMEOUT_MILLIS = 5_000;

    private HealthCheck() {
    }

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : DEFAULT_URL;
        try {
            int status = status(url);
            if (status != HttpURLConnection.HTTP_OK) {
                System.err.println("postern healthcheck: " + url + " answered " + status);
                System.exit(1);
            }
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("postern healthcheck: " + url + ": " + e);
            System.exit(1);
        }
    }

    static int status(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(TIMEOUT_MILLIS);
        connection.setReadTimeout(TIMEOUT_MILLIS);
        try {
            return connection.getResponseCode();
        } finally {
            connection.disconnect();
        }
    }
}
