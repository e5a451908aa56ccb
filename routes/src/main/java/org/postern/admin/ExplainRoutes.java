package org.postern.admin;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringTokenizer;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.library.netmatcher.NetMatcher;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.postern.acceptance.Decision;
import org.postern.acceptance.DomainKind;
import org.postern.acceptance.RecipientAcceptance;
import org.postern.camel.DeliveryContext;
import org.postern.delivery.DeliverySettings;
import org.postern.delivery.tls.TransportSecurity;
import org.postern.dns.MxHost;
import org.postern.routing.ResolveNextHop;
import org.postern.routing.Route;
import org.postern.routing.RoutingServices;
import org.postern.smtp.RecipientSyntaxRcptHook;
import org.postern.smtp.client.Target;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * "Would Postern take mail for this address, and where would it go?" ({@code bin/postern explain}):
 * {@code GET /postern/explain/{address}?from=SENDER&client=IP} answers with
 * <ul>
 *   <li>the client as the MX listener (the first SMTP server of smtpserver.xml) sees it: trusted when its address is
 *       in {@code <authorizedAddresses>}; never authenticated;</li>
 *   <li>with {@code from}, the answer to MAIL FROM: James's core hook asks a sender in a local domain to
 *       authenticate when the client is not trusted (530 5.7.1);</li>
 *   <li>the answer to RCPT TO and the rule that gave it: the address hygiene of {@link RecipientSyntaxRcptHook},
 *       then {@link RecipientAcceptance}, the one place that decides;</li>
 *   <li>for a domain that is not local, the route as {@link ResolveNextHop} would record it now (the transport.xml
 *       entry and its line, the next hop, MX hosts and addresses), the TLS level the delivery routes would require
 *       and where it was set, per host the TLS policy an attempt would run under (DANE and MTA-STS looked up), the
 *       smarthost user when the route has credentials (never the password), and the source address.</li>
 * </ul>
 * 400 for an address that is not one; the answer is computed, nothing is sent anywhere except DNS lookups and, for
 * a relay domain with {@code verify="callout"}, the callout RCPT would make.
 */
public class ExplainRoutes implements Routes {
    public static final String BASE_PATH = "/postern/explain";
    private static final long ROUTE_LIMIT_SECONDS = 60;

    private final RecipientAcceptance acceptance;
    private final RoutingServices routing;
    private final DeliveryContext delivery;
    private final ConfigurationProvider configuration;
    private final DNSService dns;
    private final JsonTransformer json;

    @Inject
    public ExplainRoutes(RecipientAcceptance acceptance, RoutingServices routing, DeliveryContext delivery,
                         ConfigurationProvider configuration, DNSService dns, JsonTransformer json) {
        this.acceptance = acceptance;
        this.routing = routing;
        this.delivery = delivery;
        this.configuration = configuration;
        this.dns = dns;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(BASE_PATH + "/:address", this::explain, json);
    }

    private Object explain(Request request, Response response) throws Exception {
        AdminRequests.allowOnly(request, "from", "client");
        MailAddress recipient = address(request.params("address"), "recipient");
        Optional<MaybeSender> sender = Optional.ofNullable(request.queryParams("from")).map(String::trim)
            .map(from -> from.isEmpty() || from.equals("<>") ? MaybeSender.nullSender() : MaybeSender.of(address(from, "from")));
        Optional<InetAddress> client = Optional.ofNullable(request.queryParams("client")).map(String::trim).map(ExplainRoutes::ip);

        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("recipient", recipient.asString());
        sender.ifPresent(from -> answer.put("sender", from.asString("")));
        Listener listener = mxListener();
        boolean trusted = client.map(ip -> listener.trusts(ip)).orElse(false);
        Map<String, Object> clientAnswer = new LinkedHashMap<>();
        clientAnswer.put("address", client.map(InetAddress::getHostAddress).orElse(null));
        clientAnswer.put("listener", listener.name());
        clientAnswer.put("trusted", trusted);
        clientAnswer.put("authenticated", false);
        answer.put("client", clientAnswer);

        DomainKind kind;
        try {
            kind = acceptance.kindOf(recipient.getDomain());
        } catch (DomainListException e) {
            kind = null;
        }
        Optional<Map<String, Object>> refusedSender = sender.flatMap(from -> senderRefusal(from, trusted));
        sender.ifPresent(from -> answer.put("mailFrom", refusedSender.orElseGet(() -> reply(true, "250 2.1.0 Sender <"
            + from.asString("") + "> OK", "no MAIL FROM rule refuses this sender from this client"))));
        answer.put("rcpt", rcpt(recipient, kind, trusted, refusedSender.isPresent()));
        if (kind == DomainKind.LOCAL) {
            Map<String, Object> local = new LinkedHashMap<>();
            local.put("nextHop", "local");
            local.put("summary", "a mailbox here (LocalDeliveryOnce), after the recipient rewrite table");
            answer.put("delivery", local);
        } else {
            answer.put("delivery", delivery(recipient.getDomain().asString()));
        }
        return answer;
    }

    private Map<String, Object> rcpt(MailAddress recipient, DomainKind kind, boolean trusted, boolean senderRefused) {
        Map<String, Object> answer;
        if (RecipientSyntaxRcptHook.hidesAnotherAddress(recipient)) {
            answer = reply(false, RecipientSyntaxRcptHook.reply(), "address hygiene: the local part hides another address "
                + "(RecipientSyntaxRcptHook)");
        } else {
            Decision decision = kind == null ? acceptance.explain(recipient, trusted) : acceptance.explain(recipient, kind, trusted);
            answer = reply(decision.verdict().accepted(), decision.verdict().code() + " " + decision.verdict().status() + " "
                + decision.verdict().text(), decision.rule());
            if (decision.verdict().accepted() && senderRefused) {
                answer = reply(false, SENDER_AUTH_REQUIRED, "the sender needs AUTH (as at MAIL FROM)");
            }
        }
        answer.put("domainKind", kind == null ? "unknown (the domain list cannot be read)" : kind.name().toLowerCase(java.util.Locale.ROOT));
        return answer;
    }

    private static final String SENDER_AUTH_REQUIRED = "530 5.7.1 Authentication Required";

    /** James's core {@code SenderAuthIdentifyVerificationHook}: a local sender from an untrusted, unauthenticated client. */
    private Optional<Map<String, Object>> senderRefusal(MaybeSender sender, boolean trusted) {
        if (trusted || sender.isNullSender()) {
            return Optional.empty();
        }
        try {
            if (acceptance.kindOf(sender.get().getDomain()) == DomainKind.LOCAL) {
                return Optional.of(reply(false, SENDER_AUTH_REQUIRED, "a sender in a local domain must authenticate unless "
                    + "the client is in <authorizedAddresses> (James's SenderAuthIdentifyVerificationHook)"));
            }
        } catch (DomainListException e) {
            return Optional.of(reply(false, "451 4.3.0 cannot check the sender now", "the domain list cannot be read now"));
        }
        return Optional.empty();
    }

    private static Map<String, Object> reply(boolean accepted, String reply, String rule) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("accepted", accepted);
        answer.put("reply", reply);
        answer.put("rule", rule);
        return answer;
    }

    private Map<String, Object> delivery(String domain) throws Exception {
        Route route = routing.resolver(ResolveNextHop.DEFAULT_TABLE).resolve(domain).toCompletableFuture()
            .get(ROUTE_LIMIT_SECONDS, TimeUnit.SECONDS);
        Map<String, Object> answer = NextHopRoutes.describe(route);
        Optional<TransportSecurity> security = delivery.security();
        Optional<DeliverySettings> settings = delivery.settings();
        if (!(route.outcome() instanceof Route.Deliver deliver) || security.isEmpty() || settings.isEmpty()) {
            if (route.outcome() instanceof Route.Deliver) {
                answer.put("tls", Map.of("level", "unknown: the delivery routes are not running"));
            }
            return answer;
        }
        var options = route.entry().options();
        TransportSecurity.ConfiguredLevel level = security.get().configured(route.nextHop(), options);
        TransportSecurity.RouteTls routeTls = security.get().route(route.nextHop(), options, false);
        Map<String, Object> tls = new LinkedHashMap<>();
        tls.put("level", level.level().name().toLowerCase(java.util.Locale.ROOT));
        tls.put("source", level.source());
        tls.put("match", level.match());
        tls.put("mtaSts", routeTls.mtaSts().map(policy -> policy.mode().name().toLowerCase(java.util.Locale.ROOT)
            + " (mx " + policy.mx() + ")").orElse(null));
        if (routeTls.refusal() != null) {
            tls.put("refusal", routeTls.refusal().toString());
        }
        answer.put("tls", tls);
        List<Map<String, Object>> hosts = new ArrayList<>();
        for (int i = 0; i < deliver.hosts().size(); i++) {
            MxHost host = deliver.hosts().get(i);
            @SuppressWarnings("unchecked")
            Map<String, Object> described = new LinkedHashMap<>(((List<Map<String, Object>>) answer.get("hosts")).get(i));
            if (!host.addresses().isEmpty()) {
                TransportSecurity.HostTls hostTls = security.get().host(routeTls,
                    new Target(host.name(), host.addresses().get(0), deliver.port()));
                described.put("tls", hostTls.refusal() != null ? hostTls.refusal().toString() : hostTls.policy().level());
            }
            hosts.add(described);
        }
        answer.put("hosts", hosts);
        answer.put("credentials", options.credentials().map(credentials -> Map.of("user", credentials.user(),
            "password", "set (not shown)")).orElse(null));
        answer.put("sourceAddress", options.sourceAddress().or(() -> settings.get().sourceAddress())
            .map(InetAddress::getHostAddress).orElse("the system's choice"));
        return answer;
    }

    /** The first enabled SMTP listener of smtpserver.xml, the one mail from other servers arrives on (port 25). */
    private Listener mxListener() throws Exception {
        HierarchicalConfiguration<ImmutableNode> smtp = configuration.getConfiguration("smtpserver");
        for (HierarchicalConfiguration<ImmutableNode> server : smtp.configurationsAt("smtpserver")) {
            if (!server.getBoolean("[@enabled]", true)) {
                continue;
            }
            String name = server.getString("jmxName", server.getString("bind", "smtpserver"));
            String addresses = server.getString("authorizedAddresses", null);
            List<String> networks = new ArrayList<>();
            if (addresses != null) {
                StringTokenizer tokens = new StringTokenizer(addresses, ", ", false);
                while (tokens.hasMoreTokens()) {
                    networks.add(tokens.nextToken());
                }
            }
            return new Listener(name, networks.isEmpty() ? null : new NetMatcher(networks, dns));
        }
        return new Listener("none", null);
    }

    /** A listener and its trusted networks, as James's SMTP server matches them (NetMatcher). */
    private record Listener(String name, NetMatcher trusted) {
        boolean trusts(InetAddress client) {
            return trusted != null && trusted.matchInetNetwork(client);
        }
    }

    private static MailAddress address(String value, String what) {
        try {
            String address = value.trim();
            if (address.startsWith("<") && address.endsWith(">")) {
                address = address.substring(1, address.length() - 1);
            }
            return new MailAddress(address);
        } catch (Exception e) {
            throw AdminRequests.badRequest(what + " '" + value + "' is not an address");
        }
    }

    private static InetAddress ip(String value) {
        if (!value.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            throw AdminRequests.badRequest("client '" + value + "' is not an IP address");
        }
        try {
            return InetAddress.getByName(value);
        } catch (java.net.UnknownHostException e) {
            throw AdminRequests.badRequest("client '" + value + "' is not an IP address");
        }
    }
}
