package org.postern.admin;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.postern.metrics.PosternMetrics;

import com.codahale.metrics.MetricRegistry;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.SampleNameFilter;
import io.prometheus.client.dropwizard.DropwizardExports;
import io.prometheus.client.exporter.common.TextFormat;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * {@code GET /metrics}: James's Dropwizard metrics and Postern's own ({@link PosternMetrics}) in Prometheus's text
 * format, for a Prometheus server to scrape. {@code ?name[]=postern_smtp_messages_total} restricts the answer to
 * those samples, as James's own endpoint does.
 *
 * <p>Postern serves this instead of James's {@code MetricsRoutes}, which exports the same Dropwizard registry through
 * the same Prometheus library but knows nothing of labelled metrics and answers without authentication even when
 * webadmin requires a JWT: this one is an ordinary webadmin route, behind the token when {@code jwt.enabled=true}.
 * Loaded by Postern's server; in another James, list it in webadmin.properties:
 * {@code extensions.routes=org.postern.admin.PrometheusRoutes} (and not James's MetricsRoutes beside it).</p>
 */
public class PrometheusRoutes implements Routes {
    public static final String BASE_PATH = "/metrics";

    private final DropwizardExports james;
    private final PosternMetrics postern;

    @Inject
    public PrometheusRoutes(MetricRegistry jamesMetrics, PosternMetrics postern) {
        this.james = new DropwizardExports(jamesMetrics);
        this.postern = postern;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(BASE_PATH, this::scrape);
    }

    private Object scrape(Request request, Response response) throws IOException {
        String[] names = request.raw().getParameterValues("name[]");
        SampleNameFilter filter = names == null ? null
            : new SampleNameFilter.Builder().nameMustBeEqualTo(Set.of(names)).build();
        List<MetricFamilySamples> families = new ArrayList<>(filter == null ? james.collect() : james.collect(filter));
        families.addAll(Collections.list(filter == null ? postern.registry().metricFamilySamples()
            : postern.registry().filteredMetricFamilySamples(filter)));
        StringWriter text = new StringWriter();
        TextFormat.write004(text, Collections.enumeration(families.stream()
            .filter(family -> !family.samples.isEmpty()).collect(Collectors.toList())));
        response.status(200);
        response.type(TextFormat.CONTENT_TYPE_004);
        return text.toString();
    }
}
