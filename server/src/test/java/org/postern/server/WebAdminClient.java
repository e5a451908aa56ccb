package org.postern.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Plain HTTP calls to a test server's webadmin on loopback. */
final class WebAdminClient {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private WebAdminClient() {
    }

    record Answer(int status, String body) {
    }

    static Answer get(int port, String pathAndQuery) throws Exception {
        return send(HttpRequest.newBuilder(uri(port, pathAndQuery)).GET().build());
    }

    static Answer send(HttpRequest request) throws Exception {
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    static URI uri(int port, String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }
}
