package org.postern.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.james.server.core.MailImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

/** Admin route files on James's memory queues: the shipped examples work, and every broken file is named. */
class AdminRouteFilesTest {
    static final Path EXAMPLES = Path.of("..", "james-conf", "routes").toAbsolutePath().normalize();
    static final String MESSAGE = "From: s@example.org\r\nSubject: =?UTF-8?Q?caf=C3=A9?=\r\n\r\nhello\r\n";

    @TempDir
    Path work;
    final MemoryMailQueueFactory queues = new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory());
    DefaultCamelContext camel;
    Path routes;

    @BeforeEach
    void start() throws Exception {
        routes = Files.createDirectories(work.resolve("routes"));
        camel = new DefaultCamelContext();
        camel.addComponent(JamesQueueComponent.SCHEME, new JamesQueueComponent(queues));
        camel.getRegistry().bind(MailSummaryProcessor.NAME, new MailSummaryProcessor());
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    private void load() throws ConfigurationException {
        new AdminRouteFiles(routes, Set.of("outbound", "spool")).loadInto(camel, true);
    }

    private void enqueue(String queue, String name, String... recipients) throws Exception {
        MailQueue target = queues.createQueue(MailQueueName.of(queue));
        target.enQueue(MailImpl.builder().name(name).sender("s@example.org").addRecipients(recipients)
            .mimeMessage(new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.US_ASCII))))
            .build());
    }

    private void install(String example, String name, String from, String to) throws Exception {
        String text = Files.readString(EXAMPLES.resolve(example));
        assertThat(text).contains(from);
        Files.writeString(routes.resolve(name), text.replace(from, to));
    }

    @Test
    void theArchiveExampleShouldWriteOneFilePerMessageForItsDomainOnly() throws Exception {
        Path archive = work.resolve("archive");
        install("archive.xml.example", "archive.xml", "/var/lib/postern/archive/example.com", archive.toString());
        load();

        enqueue("archive", "Mail-other", "x@example.net");
        enqueue("archive", "Mail-one", "x@example.net", "Someone@Example.COM");

        Path file = archive.resolve("Mail-one.eml");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(file));
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.US_ASCII)).isEqualTo(MESSAGE);
        await().atMost(Duration.ofSeconds(20)).until(() -> queues.getQueue(MailQueueName.of("archive")).orElseThrow().getSize() == 0);
        try (var files = Files.list(archive)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactly("Mail-one.eml");
        }
    }

    @Test
    void theWebhookExampleShouldPostAJsonSummary() throws Exception {
        List<String> posts = new CopyOnWriteArrayList<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", exchange -> {
            posts.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        hook.start();
        try {
            install("webhook.xml.example", "webhook.xml", "http://hooks.example.net/postern/mail",
                "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook");
            load();

            enqueue("webhook", "Mail-hook", "a@example.com", "b@example.net");

            await().atMost(Duration.ofSeconds(20)).until(() -> !posts.isEmpty());
            assertThat(posts.get(0)).startsWith("POST application/json ")
                .contains("\"queueId\":\"Mail-hook\"").contains("\"sender\":\"s@example.org\"")
                .contains("\"recipients\":[\"a@example.com\",\"b@example.net\"]")
                .contains("\"subject\":\"café\"").contains("\"size\":" + MESSAGE.length());
        } finally {
            hook.stop(0);
        }
    }

    @Test
    void aFileWithoutTheNamespaceOrWithOneRouteShouldLoadToo() throws Exception {
        Files.writeString(routes.resolve("a.xml"), "<routes><route id=\"plain\"><from uri=\"direct:plain\"/><to uri=\"log:plain\"/></route></routes>");
        Files.writeString(routes.resolve("b.xml"), "<route id=\"single\"><from uri=\"direct:single\"/><to uri=\"log:single\"/></route>");

        load();

        assertThat(camel.getRoute("plain")).isNotNull();
        assertThat(camel.getRoute("single")).isNotNull();
    }

    @Test
    void filesOtherThanXmlShouldBeIgnored() throws Exception {
        Files.copy(EXAMPLES.resolve("archive.xml.example"), routes.resolve("archive.xml.example"));
        Files.writeString(routes.resolve("README.txt"), "not a route");

        assertThat(new AdminRouteFiles(routes, Set.of()).files()).isEmpty();
        assertThat(new AdminRouteFiles(work.resolve("missing"), Set.of()).files()).isEmpty();
    }

    private void assertRefused(String file, String text, String message) throws Exception {
        Files.writeString(routes.resolve(file), text);

        assertThatThrownBy(this::load).isInstanceOf(ConfigurationException.class)
            .hasNoCause().message().startsWith("routes/" + file + ": ").contains(message).doesNotContain("\n");
    }

    private static String route(String body) {
        return "<routes xmlns=\"http://camel.apache.org/schema/xml-io\"><route id=\"r\">" + body + "</route></routes>";
    }

    @Test
    void invalidXmlShouldBeRefusedNamingTheFile() throws Exception {
        assertRefused("broken.xml", "<routes><route><from uri=\"direct:a\"/></routes>", "");
    }

    @Test
    void aFileWithoutRoutesShouldBeRefusedNamingTheFile() throws Exception {
        assertRefused("empty.xml", "<routes xmlns=\"http://camel.apache.org/schema/xml-io\"/>", "no route");
    }

    @Test
    void anUnknownComponentShouldBeRefusedNamingTheFile() throws Exception {
        assertRefused("unknown.xml", route("<from uri=\"direct:a\"/><to uri=\"nosuch:thing\"/>"), "nosuch");
    }

    @Test
    void aBadEndpointOptionShouldBeRefusedNamingTheFile() throws Exception {
        assertRefused("option.xml", route("<from uri=\"direct:a\"/><to uri=\"file:/tmp/x?noSuchOption=1\"/>"), "noSuchOption");
    }

    @Test
    void aRouteIdAlreadyTakenShouldBeRefusedRatherThanReplaceTheRoute() throws Exception {
        camel.addRoutes(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("direct:core").routeId("outbound-deliver").to("log:core");
            }
        });

        assertRefused("replace.xml", "<routes xmlns=\"http://camel.apache.org/schema/xml-io\"><route id=\"outbound-deliver\">"
            + "<from uri=\"direct:a\"/><to uri=\"log:x\"/></route></routes>", "route id 'outbound-deliver' is already taken");
        assertThat(camel.getRoute("outbound-deliver").getEndpoint().getEndpointUri()).isEqualTo("direct://core");
    }

    @Test
    void aRouteReadingTheDeliveryQueueShouldBeRefused() throws Exception {
        assertRefused("steal.xml", route("<from uri=\"james-queue:outbound\"/><to uri=\"log:x\"/>"),
            "route 'r' reads james-queue:outbound, which belongs to the spool or to delivery");
    }
}
