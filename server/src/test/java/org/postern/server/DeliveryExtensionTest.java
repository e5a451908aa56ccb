package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.testing.LoopbackDnsServer;
import org.postern.testing.ScriptedSmtpPeer;

/** The drop-in form: a James composed without the delivery module starts the routes from extensions.properties. */
class DeliveryExtensionTest {
    @TempDir
    Path work;

    @Test
    void theStartableNamedInExtensionsPropertiesShouldDeliverRoutedMail() throws Exception {
        try (LoopbackDnsServer dns = LoopbackDnsServer.start();
             ScriptedSmtpPeer peer = ScriptedSmtpPeer.startOnPort(0, 150)) {
            dns.mx("ext.test", 10, "mx.ext.test", 300).a("mx.ext.test", peer.host(), 300);
            Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
            LoopbackNetwork.useDns(conf, dns);
            Files.writeString(conf.resolve("transport.xml"), LoopbackNetwork.transport(peer.port(), ""));
            Files.writeString(conf.resolve("extensions.properties"),
                "guice.extension.startable=org.postern.camel.DeliveryStartable\n", StandardOpenOption.APPEND);

            try (InJvmPostern postern = InJvmPostern.start(conf, work.resolve("data"), false)) {
                try (SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp())) {
                    smtp.ehlo();
                    assertThat(smtp.sendMail("s@example.test", List.of("x@ext.test"),
                        "Subject: via extension\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII))).startsWith("250");
                }

                assertThat(peer.awaitMessages(1, Duration.ofSeconds(30)).get(0).text()).contains("Subject: via extension");
            }
        }
    }
}
