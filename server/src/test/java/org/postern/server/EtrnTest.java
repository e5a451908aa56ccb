package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ETRN (RFC 1985) over a real SMTP session: announced in EHLO, the RFC's replies, refused to outsiders. */
class EtrnTest {
    @TempDir
    static Path work;
    static InJvmPostern postern;

    @BeforeAll
    static void start() throws Exception {
        Path conf = InJvmPostern.copyOfShippedConf(work.resolve("conf"));
        Files.writeString(conf.resolve("relaydomains.xml"),
            "<relaydomains><domain name='backup.test' verify='accept-all'/></relaydomains>");
        postern = InJvmPostern.start(conf, work.resolve("data"));
    }

    @AfterAll
    static void stop() {
        postern.close();
    }

    SmtpClient session(String clientAddress) throws Exception {
        SmtpClient smtp = new SmtpClient(Ports.HOST, postern.ports().smtp(), clientAddress);
        assertThat(smtp.ehlo()).as("EHLO").contains("ETRN");
        return smtp;
    }

    @Test
    void aTrustedClientShouldGetTheRfcReplies() throws Exception {
        try (SmtpClient smtp = session("127.0.0.1")) {
            smtp.sendExpect("ETRN backup.test", "251 2.0.0 OK, no messages waiting for node backup.test");
            smtp.sendExpect("ETRN @backup.test", "251");
            smtp.sendExpect("ETRN elsewhere.test", "459 4.3.0 Node elsewhere.test not allowed");
            smtp.sendExpect("ETRN #outbound", "459");
            smtp.sendExpect("ETRN", "501 5.5.4");
            smtp.sendExpect("ETRN two words", "501 5.5.4");
            smtp.sendExpect("MAIL FROM:<someone@sender.test>", "250");
            smtp.sendExpect("ETRN backup.test", "503 5.5.1");
        }
    }

    @Test
    void anUntrustedClientShouldBeRefused() throws Exception {
        try (SmtpClient smtp = session("127.0.0.2")) {
            smtp.sendExpect("ETRN backup.test", "554 5.7.1");
        }
    }
}
