package org.postern.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.dns.MxLookup;
import org.postern.testing.LoopbackDnsServer;

/** The port of MX hosts comes from the transport table, for the routing decision that callouts and delivery share. */
class NextHopResolverTest {
    @TempDir
    Path dir;

    @Test
    void mxHostsShouldBeReachedOnTheTablesMxPort() throws Exception {
        try (LoopbackDnsServer dns = LoopbackDnsServer.start()) {
            dns.mx("dest.test", 10, "mx.dest.test", 60).a("mx.dest.test", "127.0.0.91", 60);
            MxLookup mx = new MxLookup(dns.resolver(Duration.ofSeconds(2)));

            Route standard = resolve("<transport/>", mx);
            Route moved = resolve("<transport mxPort='2525'><route domain='other.test' action='local'/></transport>", mx);

            assertThat(((Route.Deliver) standard.outcome()).port()).isEqualTo(25);
            assertThat(((Route.Deliver) moved.outcome()).port()).isEqualTo(2525);
            assertThat(((Route.Deliver) moved.outcome()).hosts()).extracting(host -> host.name()).containsExactly("mx.dest.test");
        }
    }

    private Route resolve(String table, MxLookup mx) throws Exception {
        Path file = dir.resolve("transport-" + table.hashCode() + ".xml");
        Files.writeString(file, table);
        return new NextHopResolver(TransportTableFile.load(file, Clock.systemUTC()), mx).resolve("dest.test")
            .toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
}
