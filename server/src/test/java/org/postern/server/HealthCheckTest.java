package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

class HealthCheckTest {
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void statusShouldBeWhatWebadminAnswers() throws IOException {
        String url = serve(200);

        assertThat(HealthCheck.status(url)).isEqualTo(200);
    }

    @Test
    void statusShouldReportUnhealthyAnswer() throws IOException {
        String url = serve(503);

        assertThat(HealthCheck.status(url)).isEqualTo(503);
    }

    @Test
    void statusShouldThrowWhenNothingListens() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        assertThatThrownBy(() -> HealthCheck.status("http://127.0.0.1:" + port + "/healthcheck"))
            .isInstanceOf(IOException.class);
    }

    private String serve(int status) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/healthcheck", exchange -> {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/healthcheck";
    }
}
