package org.postern.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.GenericMailet;
import org.postern.dns.MxResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the next hop of every recipient (transport table, then DNS) and records it on the mail
 * ({@link RoutingAttributes}). Recipients with different next hops are split into one mail per next hop, so that
 * every mail leaving this mailet has exactly one route; the matchers {@link NextHopIs} and {@link HasRoutingError}
 * branch on it.
 *
 * <p>Parameters: {@code transportTable} (default {@code file://conf/transport.xml}; a missing file means no
 * overrides, a broken one stops start-up).</p>
 *
 * <pre>{@code
 * <mailet match="All" class="org.postern.routing.ResolveNextHop">
 *     <transportTable>file://conf/transport.xml</transportTable>
 * </mailet>
 * }</pre>
 */
public class ResolveNextHop extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(ResolveNextHop.class);
    public static final String DEFAULT_TABLE = "file://conf/" + TransportTable.FILE;
    /** Bounds one resolution whatever the resolver settings; past it the route is a temporary failure. */
    private static final long RESOLUTION_LIMIT_SECONDS = 60;

    private final RoutingServices services;
    private NextHopResolver resolver;

    @Inject
    public ResolveNextHop(RoutingServices services) {
        this.services = services;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("transportTable"));
        String table = getInitParameter("transportTable", DEFAULT_TABLE);
        try {
            resolver = services.resolver(table);
        } catch (Exception e) {
            throw new MailetException(getMailetName() + ": 'transportTable' = '" + table + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Map<String, Route> byDomain = new HashMap<>();
        Map<String, List<MailAddress>> recipientsByHop = new LinkedHashMap<>();
        Map<String, Route> routeByHop = new HashMap<>();
        for (MailAddress recipient : mail.getRecipients()) {
            String domain = recipient.getDomain().asString();
            Route route = byDomain.computeIfAbsent(domain, this::resolve);
            String key = groupKey(route);
            recipientsByHop.computeIfAbsent(key, any -> new ArrayList<>()).add(recipient);
            routeByHop.putIfAbsent(key, route);
        }
        List<String> keys = new ArrayList<>(recipientsByHop.keySet());
        for (String key : keys.subList(1, keys.size())) {
            Mail split = mail.duplicate();
            split.setRecipients(recipientsByHop.get(key));
            record(split, routeByHop.get(key));
            getMailetContext().sendMail(split, mail.getState());
        }
        if (!keys.isEmpty()) {
            mail.setRecipients(recipientsByHop.get(keys.get(0)));
            record(mail, routeByHop.get(keys.get(0)));
        }
    }

    private Route resolve(String domain) {
        try {
            return resolver.resolve(domain).toCompletableFuture().get(RESOLUTION_LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return timedOut(domain);
        } catch (ExecutionException e) {
            return new Route(domain, TransportTable.Entry.DEFAULT,
                new Route.Failed(MxResult.TryAgain.STATUS, "routing failed: " + e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return timedOut(domain);
        }
    }

    private static Route timedOut(String domain) {
        return new Route(domain, TransportTable.Entry.DEFAULT, new Route.Failed(MxResult.TryAgain.STATUS, "routing timed out"));
    }

    private static String groupKey(Route route) {
        if (route.outcome() instanceof Route.Failed failed) {
            return "error " + failed.status() + " " + failed.text();
        }
        return route.nextHop().asString() + " " + route.describe();
    }

    private static void record(Mail mail, Route route) {
        RoutingAttributes.setNextHop(mail, route.nextHop());
        mail.setAttribute(new Attribute(RoutingAttributes.ROUTE, AttributeValue.of(route.describe())));
        if (route.outcome() instanceof Route.Failed failed) {
            String error = failed.status() + " " + failed.text();
            mail.setAttribute(new Attribute(RoutingAttributes.ERROR, AttributeValue.of(error)));
            mail.setErrorMessage(error);
        } else {
            mail.removeAttribute(RoutingAttributes.ERROR);
        }
        if (LOGGER.isInfoEnabled()) {
            for (MailAddress recipient : mail.getRecipients()) {
                LOGGER.info("{}: to=<{}>, nexthop={}, {}", mail.getName(), recipient.asString(), route.nextHop().asString(), route.describe());
            }
        }
    }

    @Override
    public String getMailetInfo() {
        return "Postern next-hop resolution (transport table, then MX)";
    }
}
