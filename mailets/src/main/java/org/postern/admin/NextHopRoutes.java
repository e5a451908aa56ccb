package org.postern.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.postern.dns.MxHost;
import org.postern.routing.ResolveNextHop;
import org.postern.routing.Route;
import org.postern.routing.RoutingServices;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * "Where would this go?" ({@code postmap -q} plus {@code dig mx}): {@code GET /postern/nexthop/{address or domain}}
 * answers, for the default {@code transport.xml}, with the table entry that decides, the next hop, and the MX hosts with their addresses, as
 * {@link ResolveNextHop} would record them now.
 *
 * <p>Loaded by Postern's server; in another James, list it in webadmin.properties:
 * {@code extensions.routes=org.postern.admin.NextHopRoutes}.</p>
 */
public class NextHopRoutes implements Routes {
    public static final String BASE_PATH = "/postern/nexthop";

    private final RoutingServices services;
    private final JsonTransformer json;

    @Inject
    public NextHopRoutes(RoutingServices services, JsonTransformer json) {
        this.services = services;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(BASE_PATH + "/:destination", this::explain, json);
    }

    private Object explain(Request request, Response response) throws Exception {
        String destination = request.params("destination").trim();
        String domain = destination.contains("@") ? destination.substring(destination.lastIndexOf('@') + 1) : destination;
        if (domain.isEmpty() || !domain.matches("[A-Za-z0-9.-]+")) {
            throw AdminRequests.badRequest("'" + destination + "' is neither an address nor a domain");
        }
        Route route = services.resolver(ResolveNextHop.DEFAULT_TABLE).resolve(domain).toCompletableFuture().get(60, TimeUnit.SECONDS);
        Map<String, Object> answer = describe(route);
        java.util.Optional<String> dnsName = dnsName(route);
        if (dnsName.isPresent()) {
            services.mxTtl(dnsName.get()).ifPresent(ttl -> answer.put("ttlSeconds", ttl));
        }
        return answer;
    }

    /** The name whose MX records decided the route, if DNS decided it. */
    private static java.util.Optional<String> dnsName(Route route) {
        if (route.entry().nextHop() instanceof org.postern.routing.NextHop.Mx) {
            return java.util.Optional.of(route.domain());
        }
        if (route.entry().nextHop() instanceof org.postern.routing.NextHop.Relay relay && relay.lookupMx()) {
            return java.util.Optional.of(relay.host());
        }
        return java.util.Optional.empty();
    }

    public static Map<String, Object> describe(Route route) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("domain", route.domain());
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("pattern", route.entry().pattern());
        entry.put("line", route.entry().line());
        answer.put("entry", entry);
        answer.put("nextHop", route.nextHop().asString());
        if (route.outcome() instanceof Route.Deliver deliver) {
            answer.put("port", deliver.port());
            answer.put("hosts", deliver.hosts().stream().map(NextHopRoutes::host).toList());
        }
        if (route.outcome() instanceof Route.Failed failed) {
            answer.put("status", failed.status());
            answer.put("error", failed.text());
        }
        answer.put("summary", route.describe());
        return answer;
    }

    private static Map<String, Object> host(MxHost host) {
        List<String> addresses = host.addresses().stream().map(address -> address.getHostAddress()).toList();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("name", host.name());
        answer.put("preference", host.preference());
        answer.put("addresses", addresses);
        return answer;
    }
}
