package org.postern.dns;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.postern.testing.LoopbackDnsServer;

/**
 * Benchmark, run by hand through bench/mx-lookup.sh (never in the test suite): MX resolutions per second on one
 * thread, from a warm cache and cold (a new domain each time, so every lookup goes to the loopback DNS server).
 */
public final class MxLookupBench {
    private MxLookupBench() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 10;
        int coldDomains = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        try (LoopbackDnsServer dns = LoopbackDnsServer.start()) {
            dns.mx("warm.test", 10, "mx1.warm.test", 3600).mx("warm.test", 20, "mx2.warm.test", 3600)
                .a("mx1.warm.test", "127.0.0.21", 3600).a("mx2.warm.test", "127.0.0.22", 3600);
            for (int i = 0; i < coldDomains; i++) {
                dns.mx("d" + i + ".cold.test", 10, "mx.cold.test", 3600);
            }
            dns.a("mx.cold.test", "127.0.0.23", 3600);
            MxLookup lookup = new MxLookup(dns.resolver(Duration.ofSeconds(2)));

            // warm-up: JIT and cache
            for (int i = 0; i < 200_000; i++) {
                lookup.lookup("warm.test").toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
            long warmCount = 0;
            long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long warmStart = System.nanoTime();
            while (System.nanoTime() < warmEnd) {
                MxResult result = lookup.lookup("warm.test").toCompletableFuture().get(5, TimeUnit.SECONDS);
                if (!(result instanceof MxResult.Hosts)) {
                    throw new IllegalStateException("unexpected " + result);
                }
                warmCount++;
            }
            double warmPerSecond = warmCount / ((System.nanoTime() - warmStart) / 1e9);

            long coldStart = System.nanoTime();
            int cold = 0;
            long coldEnd = coldStart + TimeUnit.SECONDS.toNanos(seconds);
            while (cold < coldDomains && System.nanoTime() < coldEnd) {
                lookup.lookup("d" + cold + ".cold.test").toCompletableFuture().get(5, TimeUnit.SECONDS);
                cold++;
            }
            double coldPerSecond = cold / ((System.nanoTime() - coldStart) / 1e9);

            // the floor: bare dnsjava queries to the same server, no Postern code at all
            org.xbill.DNS.SimpleResolver raw = dns.resolver(Duration.ofSeconds(2));
            long rawStart = System.nanoTime();
            long rawEnd = rawStart + TimeUnit.SECONDS.toNanos(seconds);
            int rawCount = 0;
            while (rawCount < coldDomains && System.nanoTime() < rawEnd) {
                org.xbill.DNS.Record question = org.xbill.DNS.Record.newRecord(
                    org.xbill.DNS.Name.fromString("d" + rawCount + ".cold.test."), org.xbill.DNS.Type.MX, org.xbill.DNS.DClass.IN);
                raw.send(org.xbill.DNS.Message.newQuery(question));
                rawCount++;
            }
            double rawPerSecond = rawCount / ((System.nanoTime() - rawStart) / 1e9);
            System.out.printf("{\"warm_lookups_per_s\": %.0f, \"warm_lookups\": %d, \"cold_lookups_per_s\": %.0f, \"cold_lookups\": %d, "
                    + "\"bare_dnsjava_queries_per_s\": %.0f}%n",
                warmPerSecond, warmCount, coldPerSecond, cold, rawPerSecond);
        }
    }
}
