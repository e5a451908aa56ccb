package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Domains, users and aliases are read through caches (cache.ttl in james-database.properties): a change made
 * through this node's webadmin is honoured by the very next SMTP transaction, and a change written to the shared
 * database by another node within the cache's lifetime, not at once.
 */
class DataCacheTest {
    static final String UNTRUSTED = "127.0.0.2";
    static final Duration TTL = Duration.ofSeconds(3);

    @TempDir
    static Path work;
    static InJvmPostern postern;

    @BeforeAll
    static void start() throws Exception {
        Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
        Files.writeString(conf.resolve("james-database.properties"),
            Files.readString(conf.resolve("james-database.properties")) + "\ncache.ttl=" + TTL.toSeconds() + "s\n");
        postern = InJvmPostern.start(conf, work.resolve("data"));
    }

    @AfterAll
    static void stop() {
        postern.close();
    }

    String rcpt(String recipient) throws Exception {
        try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp(), UNTRUSTED)) {
            smtp.ehlo();
            smtp.sendExpect("MAIL FROM:<someone@sender.test>", "250");
            return smtp.send("RCPT TO:<" + recipient + ">").get(0);
        }
    }

    int webadmin(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(WebAdminClient.uri(postern.ports().webAdmin(), path));
        request = json == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
            : request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        return WebAdminClient.send(request.build()).status();
    }

    @Test
    void domainsUsersAndAliasesChangedThroughWebadminShouldCountForTheNextTransaction() throws Exception {
        assertThat(rcpt("ann@fresh.test")).startsWith("554 5.7.1");

        assertThat(webadmin("PUT", "/domains/fresh.test", null)).isEqualTo(204);
        assertThat(rcpt("ann@fresh.test")).startsWith("550 5.1.1");

        assertThat(webadmin("PUT", "/users/ann@fresh.test", "{\"password\":\"secret\"}")).isEqualTo(204);
        assertThat(rcpt("ann@fresh.test")).startsWith("250");

        assertThat(rcpt("annie@fresh.test")).startsWith("550 5.1.1");
        assertThat(webadmin("PUT", "/address/aliases/ann@fresh.test/sources/annie@fresh.test", null)).isEqualTo(204);
        assertThat(rcpt("annie@fresh.test")).startsWith("250");

        assertThat(webadmin("DELETE", "/address/aliases/ann@fresh.test/sources/annie@fresh.test", null)).isEqualTo(204);
        assertThat(rcpt("annie@fresh.test")).startsWith("550 5.1.1");
        assertThat(webadmin("DELETE", "/users/ann@fresh.test", null)).isEqualTo(204);
        assertThat(rcpt("ann@fresh.test")).startsWith("550 5.1.1");
        assertThat(webadmin("DELETE", "/domains/fresh.test", null)).isEqualTo(204);
        assertThat(rcpt("ann@fresh.test")).startsWith("554 5.7.1");
    }

    @Test
    void aDomainAddedByAnotherNodeShouldCountWithinTheCacheLifetimeButNotAtOnce() throws Exception {
        assertThat(rcpt("postmaster@other-node.test")).startsWith("554 5.7.1");

        // another node sharing the database: the row appears without passing through this node
        try (Connection database = DriverManager.getConnection("jdbc:derby:" + work.resolve("data/store/derby").toAbsolutePath());
             PreparedStatement insert = database.prepareStatement("INSERT INTO JAMES_DOMAIN (DOMAIN_NAME) VALUES (?)")) {
            insert.setString(1, "other-node.test");
            insert.executeUpdate();
        }

        assertThat(rcpt("postmaster@other-node.test")).startsWith("554 5.7.1");
        await().atMost(TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(250))
            .untilAsserted(() -> assertThat(rcpt("postmaster@other-node.test")).startsWith("250"));
    }
}
