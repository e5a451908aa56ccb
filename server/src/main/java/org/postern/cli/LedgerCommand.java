package org.postern.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;


/**
 * {@code postern ledger ID-or-ADDRESS}: what happened to a mail or an address, from webadmin's {@code /postern/ledger}.
 * A word with {@code @} is a recipient ({@code --sender}: the sender), one in angle brackets a Message-ID, anything
 * else a queue id.
 */
final class LedgerCommand {
    static final String PATH = "/postern/ledger";
    static final Set<String> OPTIONS = Set.of("--limit");
    static final Set<String> SWITCHES = Set.of("--sender");
    static final String USAGE = "ledger QUEUE-ID | ledger [--sender] ADDRESS | ledger '<MESSAGE-ID>' [--limit N]";

    private LedgerCommand() {
    }

    static void run(Arguments args, WebAdmin admin, Output out) {
        String key = args.word(1, "queue id or address: " + USAGE);
        args.atMost(2);
        String parameter;
        if (key.startsWith("<") && key.endsWith(">") && key.length() > 2) {
            parameter = "messageId";
        } else if (key.contains("@")) {
            parameter = args.has("--sender") ? "sender" : "recipient";
        } else if (args.has("--sender")) {
            throw CliFailure.usage("--sender needs an address, not '" + key + "'");
        } else {
            parameter = "queueId";
        }
        String query = "?" + parameter + "=" + WebAdmin.encode(key) + args.option("--limit").map(limit -> "&limit=" + WebAdmin.encode(limit)).orElse("");
        Json events = admin.expect(admin.get(PATH + query), "ledger " + key).json();
        if (out.json()) {
            out.print(events);
            return;
        }
        print(events, out, !parameter.equals("queueId"));
    }

    /** The events as a table, oldest first; {@code withQueueId}: a column for the queue id (several mails). */
    static void print(Json events, Output out, boolean withQueueId) {
        if (events.isEmpty()) {
            out.line("no ledger events");
            return;
        }
        Table table = withQueueId ? new Table("TIME", "QUEUE ID", "EVENT", "RECIPIENT", "DETAIL")
            : new Table("TIME", "EVENT", "RECIPIENT", "DETAIL");
        for (Json event : events) {
            List<Object> cells = new ArrayList<>(List.of(event.get("at").asText()));
            if (withQueueId) {
                cells.add(event.get("queueId").asText());
            }
            cells.add(event.get("event").asText());
            cells.add(Output.text(event, "recipient", ""));
            cells.add(detail(event));
            table.row(cells.toArray());
        }
        table.print(out.out());
    }

    /** Host, address, TLS, reply and detail, as far as the event has them. */
    private static String detail(Json event) {
        List<String> parts = new ArrayList<>();
        String host = Output.text(event, "host", null);
        String address = Output.text(event, "address", null);
        if (host != null || address != null) {
            parts.add((host == null ? "" : host) + (address == null ? "" : "[" + address + "]"));
        }
        String tlsLevel = Output.text(event, "tlsLevel", null);
        if (tlsLevel != null) {
            parts.add("tls=" + tlsLevel);
        }
        String reply = Output.text(event, "reply", null);
        if (reply != null) {
            parts.add("(" + reply + ")");
        }
        String detail = Output.text(event, "detail", null);
        if (detail != null) {
            parts.add(detail);
        }
        return String.join(" ", parts);
    }
}
