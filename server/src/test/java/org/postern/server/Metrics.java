package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

/** The Prometheus text at webadmin's {@code /metrics}, scraped over HTTP, as a test reads it. */
final class Metrics {
    private Metrics() {
    }

    /** Every sample: "name{labels}" to its value. */
    static Map<String, Double> scrape(int webAdminPort) throws Exception {
        WebAdminClient.Answer answer = WebAdminClient.get(webAdminPort, "/metrics");
        assertThat(answer.status()).isEqualTo(200);
        Map<String, Double> samples = new HashMap<>();
        for (String line : answer.body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return samples;
    }

    /** How much {@code sample} grew from {@code before} to {@code after} (a missing sample counts as 0). */
    static double delta(Map<String, Double> before, Map<String, Double> after, String sample) {
        return after.getOrDefault(sample, 0.0) - before.getOrDefault(sample, 0.0);
    }
}
