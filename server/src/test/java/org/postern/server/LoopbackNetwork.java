package org.postern.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.postern.testing.LoopbackDnsServer;

/**
 * Points a test's conf at loopback peers on unprivileged ports, so that the server tests run as any user (README,
 * "Tests"): Postern's lookups at a {@link LoopbackDnsServer} through dnsservice.xml's {@code <resolvers>} (a
 * {@code host:port} that James's own DNS service would refuse; it keeps the shipped settings), and MX delivery at
 * {@link org.postern.testing.ScriptedSmtpPeer}s sharing one port of 127.0.25.x through transport.xml's
 * {@code mxPort}.
 */
final class LoopbackNetwork {
    private LoopbackNetwork() {
    }

    /** The conf's dnsservice.xml, plus Postern's resolver: this DNS server, asked with a 1 s timeout. */
    static void useDns(Path conf, LoopbackDnsServer dns) throws IOException {
        Path file = conf.resolve("dnsservice.xml");
        String shipped = Files.readString(file, StandardCharsets.UTF_8);
        String resolver = "<resolvers><resolver>" + dns.address().getAddress().getHostAddress() + ":" + dns.address().getPort()
            + "</resolver></resolvers><timeout>1s</timeout>";
        if (!shipped.contains("</dnsservice>")) {
            throw new IllegalStateException(file + " has no </dnsservice>");
        }
        Files.writeString(file, shipped.replace("</dnsservice>", resolver + "</dnsservice>"), StandardCharsets.UTF_8);
    }

    /** A transport.xml whose MX hosts are reached on {@code mxPort}, with these routes. */
    static String transport(int mxPort, String routes) {
        return "<transport mxPort=\"" + mxPort + "\">" + routes + "</transport>";
    }
}
