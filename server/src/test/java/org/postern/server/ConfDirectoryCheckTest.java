package org.postern.server;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfDirectoryCheckTest {
    @TempDir
    Path work;

    @Test
    void theShippedConfShouldPass() {
        assertThatCode(() -> ConfDirectoryCheck.verify(InJvmPostern.SHIPPED_CONF)).doesNotThrowAnyException();
    }

    @Test
    void aMissingFileShouldBeNamed() throws Exception {
        Path conf = ChildPostern.loopbackConf(work.resolve("conf"), Ports.free());
        Files.delete(conf.resolve("pop3server.xml"));

        assertThatThrownBy(() -> ConfDirectoryCheck.verify(conf))
            .hasMessageContaining("pop3server.xml: file not found");
    }

    @Test
    void brokenXmlShouldBeReportedWithFileAndLine() throws Exception {
        Path conf = ChildPostern.loopbackConf(work.resolve("conf"), Ports.free());
        Files.writeString(conf.resolve("domainlist.xml"), "<domainlist>\n  <autodetect>false</autodetect\n</domainlist>\n");

        assertThatThrownBy(() -> ConfDirectoryCheck.verify(conf))
            .hasMessageStartingWith(conf.resolve("domainlist.xml") + ":3:")
            .hasMessageContaining("not well-formed XML");
    }

    @Test
    void aBadBindShouldNameFileElementAndValue() throws Exception {
        Path conf = ChildPostern.loopbackConf(work.resolve("conf"), Ports.free());
        Path smtp = conf.resolve("smtpserver.xml");
        Files.writeString(smtp, Files.readString(smtp).replaceFirst("<bind>[^<]*</bind>", "<bind>127.0.0.1:99999</bind>"));

        assertThatThrownBy(() -> ConfDirectoryCheck.verify(conf))
            .hasMessage(smtp + ": <smtpserver/bind> = '127.0.0.1:99999': port must be 0-65535");
    }

    @Test
    void aBadMessageSizeShouldNameFileElementAndValue() throws Exception {
        Path conf = ChildPostern.loopbackConf(work.resolve("conf"), Ports.free());
        Path smtp = conf.resolve("smtpserver.xml");
        Files.writeString(smtp, Files.readString(smtp).replaceFirst("<maxmessagesize>15360<", "<maxmessagesize>15M<"));

        assertThatThrownBy(() -> ConfDirectoryCheck.verify(conf))
            .hasMessage(smtp + ": <smtpserver/maxmessagesize> = '15M': must be a whole number of kilobytes, 0 or more");
    }
}
