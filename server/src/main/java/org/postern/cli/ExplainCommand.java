package org.postern.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;


/**
 * {@code postern explain ADDRESS [--from SENDER] [--client IP]}: would Postern take mail for this address from this
 * client, by which rule, and where would it go (webadmin's {@code /postern/explain}).
 */
final class ExplainCommand {
    static final Set<String> OPTIONS = Set.of("--from", "--client");
    static final String USAGE = "explain ADDRESS [--from SENDER] [--client IP]";

    private ExplainCommand() {
    }

    static void run(Arguments args, WebAdmin admin, Output out) {
        String address = args.word(1, "address: " + USAGE);
        args.atMost(2);
        List<String> query = new ArrayList<>();
        args.option("--from").ifPresent(from -> query.add("from=" + WebAdmin.encode(from)));
        args.option("--client").ifPresent(client -> query.add("client=" + WebAdmin.encode(client)));
        Json answer = admin.expect(admin.get("/postern/explain/" + WebAdmin.segment(address)
            + (query.isEmpty() ? "" : "?" + String.join("&", query))), "explain " + address).json();
        if (out.json()) {
            out.print(answer);
            return;
        }
        Table lines = new Table("", "");
        lines.row("recipient", answer.get("recipient").asText() + " (" + answer.get("rcpt").get("domainKind").asText() + " domain)");
        lines.row("client", client(answer.get("client")));
        if (answer.has("mailFrom")) {
            lines.row("MAIL FROM", verdict(answer.get("mailFrom")));
            lines.row("  rule", answer.get("mailFrom").get("rule").asText());
        }
        lines.row("RCPT TO", verdict(answer.get("rcpt")));
        lines.row("  rule", answer.get("rcpt").get("rule").asText());
        delivery(answer.get("delivery"), lines);
        lines.printWithoutHeader(out.out());
    }

    private static String client(Json client) {
        String address = Output.text(client, "address", null);
        String who = address == null ? "any client not in <authorizedAddresses> (give --client IP)" : address;
        return who + " on " + client.get("listener").asText() + ": " + (client.get("trusted").asBoolean()
            ? "trusted (in <authorizedAddresses>)" : "not trusted") + ", not authenticated";
    }

    private static String verdict(Json verdict) {
        return (verdict.get("accepted").asBoolean() ? "accepted: " : "refused: ") + verdict.get("reply").asText();
    }

    private static void delivery(Json delivery, Table lines) {
        String nextHop = delivery.get("nextHop").asText();
        if (nextHop.equals("local")) {
            lines.row("delivery", Output.text(delivery, "summary", "local"));
            return;
        }
        Json entry = delivery.get("entry");
        int line = entry.get("line").asInt();
        lines.row("next hop", nextHop);
        lines.row("  entry", entry.get("pattern").asText() + (line > 0 ? " (transport.xml line " + line + ")" : " (no transport.xml entry)"));
        if (delivery.has("error")) {
            lines.row("  error", delivery.get("status").asText() + " " + delivery.get("error").asText());
        }
        if (delivery.has("hosts")) {
            for (Json host : delivery.get("hosts")) {
                lines.row("  host", host.get("name").asText() + " (preference " + host.get("preference").asInt() + ") "
                    + Output.list(host.get("addresses")) + " port " + delivery.get("port").asInt()
                    + (host.has("tls") ? ", tls " + host.get("tls").asText() : ""));
            }
        }
        if (delivery.has("ttlSeconds")) {
            lines.row("  MX ttl", delivery.get("ttlSeconds").asLong() + "s");
        }
        Json tls = delivery.get("tls");
        if (tls != null) {
            StringBuilder level = new StringBuilder(tls.get("level").asText());
            if (tls.has("source")) {
                level.append(" (").append(tls.get("source").asText()).append(")");
            }
            if (tls.has("match") && !tls.get("match").isEmpty()) {
                level.append(", certificate names ").append(Output.list(tls.get("match")));
            }
            if (tls.hasNonNull("mtaSts")) {
                level.append(", MTA-STS ").append(tls.get("mtaSts").asText());
            }
            if (tls.has("refusal")) {
                level.append(", refused: ").append(tls.get("refusal").asText());
            }
            lines.row("  TLS", level);
        }
        if (delivery.has("credentials")) {
            Json credentials = delivery.get("credentials");
            lines.row("  AUTH", credentials.isNull() ? "none" : "as " + credentials.get("user").asText() + ", password set (not shown)");
        }
        if (delivery.has("sourceAddress")) {
            lines.row("  source", delivery.get("sourceAddress").asText());
        }
    }
}
