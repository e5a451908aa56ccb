package org.postern.admin;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.postern.queue.QueueControl;
import org.postern.queue.QueuedMail;
import org.postern.routing.NextHop;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * Control of the outbound queue ({@link QueueControl}) over webadmin, answering JSON:
 * <ul>
 *   <li>{@code GET /postern/queue?domain=&sender=&limit=}: the queued mails (id, sender, recipients, attempts,
 *       nextAttempt, held, lastReply, nextHop); {@code GET /postern/queue/{id}}: one of them</li>
 *   <li>{@code POST /postern/queue/flush?domain=}: deferred mail (of a domain) due now, held mail excepted</li>
 *   <li>{@code POST /postern/queue/{id}/hold}, {@code /release}, {@code /bounce}; {@code DELETE /postern/queue/{id}}</li>
 *   <li>{@code POST /postern/queue/reroute?domain=&nextHop=smtp:[host]:port}: the domain's queued mail to another
 *       next hop ({@code mx}: back to the domain's MX hosts), due now</li>
 * </ul>
 * 400 for a bad parameter, 404 when no such mail is queued (or it is being delivered at this moment), 503 when the
 * queue cannot be read or written now.
 */
public class QueueRoutes implements Routes {
    public static final String BASE_PATH = "/postern/queue";
    private static final String DOMAIN = "[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*";
    private static final String ID = "[A-Za-z0-9._@:+=-]{1,200}";

    private final QueueControl queue;
    private final JsonTransformer json;

    @Inject
    public QueueRoutes(QueueControl queue, JsonTransformer json) {
        this.queue = queue;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(BASE_PATH, this::list, json);
        service.post(BASE_PATH + "/flush", this::flush, json);
        service.post(BASE_PATH + "/reroute", this::reroute, json);
        service.get(BASE_PATH + "/:id", this::show, json);
        service.post(BASE_PATH + "/:id/hold", (request, response) -> one(request, "held", queue::hold), json);
        service.post(BASE_PATH + "/:id/release", (request, response) -> one(request, "released", queue::release), json);
        service.post(BASE_PATH + "/:id/bounce", (request, response) -> one(request, "bounced", queue::bounce), json);
        service.delete(BASE_PATH + "/:id", (request, response) -> one(request, "deleted", queue::delete), json);
    }

    private Object list(Request request, Response response) throws Exception {
        AdminRequests.allowOnly(request, "domain", "sender", "limit");
        Optional<String> domain = domain(request, false);
        Optional<String> sender = Optional.ofNullable(request.queryParams("sender")).map(String::trim)
            .map(value -> value.equals("<>") ? "" : value.toLowerCase(Locale.ROOT));
        if (sender.isPresent() && !sender.get().isEmpty() && !sender.get().matches("[^@\\s]+@" + DOMAIN)) {
            throw AdminRequests.badRequest("sender '" + request.queryParams("sender") + "' must be an address, or <> for the null sender");
        }
        int limit = AdminRequests.limit(request.queryParams("limit"));
        try {
            return queue.list(domain, sender, limit).stream().map(QueueRoutes::describe).toList();
        } catch (QueueControl.QueueException e) {
            throw AdminRequests.unavailable(e);
        }
    }

    private Object show(Request request, Response response) {
        String id = queueId(request);
        Optional<QueuedMail> mail;
        try {
            mail = queue.find(id);
        } catch (QueueControl.QueueException e) {
            throw AdminRequests.unavailable(e);
        }
        return describe(mail.orElseThrow(() -> notQueued(id)));
    }

    private Object flush(Request request, Response response) throws Exception {
        AdminRequests.allowOnly(request, "domain");
        try {
            return Map.of("flushed", queue.flush(domain(request, false)));
        } catch (QueueControl.QueueException e) {
            throw AdminRequests.unavailable(e);
        }
    }

    private Object reroute(Request request, Response response) throws Exception {
        AdminRequests.allowOnly(request, "domain", "nextHop");
        String domain = domain(request, true).orElseThrow();
        String nextHop = Optional.ofNullable(request.queryParams("nextHop")).map(String::trim)
            .orElseThrow(() -> AdminRequests.badRequest("nextHop is required: smtp:[host]:port, smtp:host:port or mx"));
        NextHop parsed;
        try {
            parsed = NextHop.parse(nextHop);
        } catch (IllegalArgumentException e) {
            throw AdminRequests.badRequest("nextHop '" + nextHop + "': expected smtp:[host]:port, smtp:host:port or mx");
        }
        if (!(parsed instanceof NextHop.Relay) && !(parsed instanceof NextHop.Mx)) {
            throw AdminRequests.badRequest("nextHop '" + nextHop + "': expected smtp:[host]:port, smtp:host:port or mx");
        }
        try {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("domain", domain);
            answer.put("nextHop", parsed.asString());
            answer.put("rerouted", queue.reroute(domain, parsed));
            return answer;
        } catch (QueueControl.QueueException e) {
            throw AdminRequests.unavailable(e);
        }
    }

    private interface OneMail {
        boolean apply(String id) throws QueueControl.QueueException;
    }

    private Object one(Request request, String done, OneMail operation) {
        String id = queueId(request);
        boolean found;
        try {
            found = operation.apply(id);
        } catch (QueueControl.QueueException e) {
            throw AdminRequests.unavailable(e);
        }
        if (!found) {
            throw notQueued(id);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", id);
        answer.put("result", done);
        return answer;
    }

    private static String queueId(Request request) {
        String id = request.params("id");
        if (!id.matches(ID)) {
            throw AdminRequests.badRequest("'" + id + "' is not a queue id");
        }
        return id;
    }

    private static RuntimeException notQueued(String id) {
        return AdminRequests.notFound("no mail " + id + " in the outbound queue (or it is being delivered right now)");
    }

    private static Optional<String> domain(Request request, boolean required) {
        String value = request.queryParams("domain");
        if (value == null || value.isBlank()) {
            if (required) {
                throw AdminRequests.badRequest("domain is required");
            }
            return Optional.empty();
        }
        if (!value.trim().matches(DOMAIN)) {
            throw AdminRequests.badRequest("domain '" + value + "' is not a domain name");
        }
        return Optional.of(value.trim().toLowerCase(Locale.ROOT));
    }


    static Map<String, Object> describe(QueuedMail mail) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", mail.id());
        answer.put("sender", mail.sender());
        answer.put("recipients", mail.recipients());
        answer.put("attempts", mail.attempts());
        answer.put("nextAttempt", mail.nextAttempt().map(Object::toString).orElse(null));
        answer.put("held", mail.held());
        answer.put("lastReply", mail.lastReply().orElse(null));
        answer.put("nextHop", mail.nextHop().orElse(null));
        return answer;
    }
}
