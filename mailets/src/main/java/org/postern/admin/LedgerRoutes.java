package org.postern.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.postern.ledger.DeliveryLedger;
import org.postern.ledger.LedgerEvent;
import org.postern.ledger.LedgerQuery;

import spark.Request;
import spark.Response;
import spark.Service;

/**
 * "What happened to this mail?": {@code GET /postern/ledger?queueId=…} (or {@code messageId}, {@code envelopeId},
 * {@code sender}, {@code recipient}; exactly one) lists the ledger's events, oldest first, at most {@code limit}
 * (default 1000, at most 100,000).
 */
public class LedgerRoutes implements Routes {
    public static final String BASE_PATH = "/postern/ledger";

    private final DeliveryLedger ledger;
    private final JsonTransformer json;

    @Inject
    public LedgerRoutes(DeliveryLedger ledger, JsonTransformer json) {
        this.ledger = ledger;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(BASE_PATH, this::find, json);
    }

    private Object find(Request request, Response response) throws Exception {
        List<LedgerQuery> queries = request.queryParams().stream()
            .filter(parameter -> !parameter.equals("limit"))
            .map(parameter -> new LedgerQuery(LedgerQuery.Key.ofParameter(parameter)
                .orElseThrow(() -> AdminRequests.badRequest("unknown parameter '" + parameter + "'")), request.queryParams(parameter)))
            .toList();
        if (queries.size() != 1 || queries.get(0).value() == null || queries.get(0).value().isBlank()) {
            throw AdminRequests.badRequest("give exactly one of queueId, messageId, envelopeId, sender, recipient");
        }
        int limit = AdminRequests.limit(request.queryParams("limit"));
        return ledger.find(queries.get(0), limit).stream().map(LedgerRoutes::describe).toList();
    }


    static Map<String, Object> describe(LedgerEvent event) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("at", event.at().toString());
        answer.put("queueId", event.queueId());
        event.messageId().ifPresent(id -> answer.put("messageId", id));
        event.envelopeId().ifPresent(id -> answer.put("envelopeId", id));
        answer.put("sender", event.sender());
        answer.put("recipient", event.recipient());
        answer.put("event", event.kind().name().toLowerCase(java.util.Locale.ROOT));
        event.host().ifPresent(host -> answer.put("host", host));
        event.address().ifPresent(address -> answer.put("address", address));
        event.tls().ifPresent(tls -> answer.put("tls", tls));
        event.tlsLevel().ifPresent(level -> answer.put("tlsLevel", level));
        event.reply().ifPresent(reply -> answer.put("reply", reply));
        event.detail().ifPresent(detail -> answer.put("detail", detail));
        event.node().ifPresent(node -> answer.put("node", node));
        return answer;
    }
}
