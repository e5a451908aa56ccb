package org.postern.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;


/**
 * {@code postern queue …}: the outbound queue over webadmin's {@code /postern/queue} (Postfix's {@code mailq},
 * {@code postqueue -f}, {@code postsuper -h/-H/-d}, plus bounce and re-route).
 */
final class QueueCommand {
    static final Set<String> OPTIONS = Set.of("--domain", "--sender");
    static final String USAGE = "queue list [--domain DOMAIN] [--sender ADDRESS] | queue show ID | queue flush [DOMAIN] | "
        + "queue hold|release|delete|bounce ID | queue reroute DOMAIN NEXTHOP";
    private static final String BASE = "/postern/queue";

    private QueueCommand() {
    }

    static void run(Arguments args, WebAdmin admin, Output out) {
        String action = args.word(1, "queue action: " + USAGE);
        switch (action) {
            case "list" -> list(args, admin, out);
            case "show" -> show(args, admin, out);
            case "flush" -> flush(args, admin, out);
            case "hold", "release", "delete", "bounce" -> one(action, args, admin, out);
            case "reroute" -> reroute(args, admin, out);
            default -> throw CliFailure.usage("unknown queue action '" + action + "'; " + USAGE);
        }
    }

    private static void list(Arguments args, WebAdmin admin, Output out) {
        args.atMost(2);
        List<String> query = new ArrayList<>();
        args.option("--domain").ifPresent(domain -> query.add("domain=" + WebAdmin.encode(domain)));
        args.option("--sender").ifPresent(sender -> query.add("sender=" + WebAdmin.encode(sender)));
        Json mails = admin.expect(admin.get(BASE + (query.isEmpty() ? "" : "?" + String.join("&", query))), "queue list").json();
        if (out.json()) {
            out.print(mails);
            return;
        }
        if (mails.isEmpty()) {
            out.line("the outbound queue is empty" + (query.isEmpty() ? "" : " (for this filter)"));
            return;
        }
        Table table = new Table("QUEUE ID", "NEXT ATTEMPT", "TRIES", "NEXT HOP", "SENDER", "RECIPIENTS");
        Instant now = Instant.now();
        for (Json mail : mails) {
            String lastReply = Output.text(mail, "lastReply", null);
            table.rowWithNote(lastReply == null ? null : "(" + lastReply + ")", mail.get("id").asText(), nextAttempt(mail, now),
                mail.get("attempts").asInt(), Output.text(mail, "nextHop", ""), sender(mail), Output.list(mail.get("recipients")));
        }
        table.print(out.out());
        out.line("-- " + Output.count(mails.size(), "mail"));
    }

    private static void show(Arguments args, WebAdmin admin, Output out) {
        String id = args.word(2, "queue id");
        args.atMost(3);
        Json mail = admin.expect(admin.get(BASE + "/" + WebAdmin.segment(id)), "queue show " + id).json();
        Json history = admin.expect(admin.get(LedgerCommand.PATH + "?queueId=" + WebAdmin.encode(id)), "ledger of " + id).json();
        if (out.json()) {
            java.util.Map<String, Json> both = new java.util.LinkedHashMap<>();
            both.put("mail", mail);
            both.put("ledger", history);
            out.print(Json.object(both));
            return;
        }
        Table fields = new Table("", "");
        fields.row("queue id", mail.get("id").asText());
        fields.row("sender", sender(mail));
        fields.row("recipients", Output.list(mail.get("recipients")));
        fields.row("next hop", Output.text(mail, "nextHop", "(none recorded)"));
        fields.row("attempts", mail.get("attempts").asInt());
        fields.row("next attempt", nextAttempt(mail, Instant.now()));
        fields.row("last reply", Output.text(mail, "lastReply", "(none)"));
        fields.printWithoutHeader(out.out());
        out.line("");
        LedgerCommand.print(history, out, false);
    }

    private static void flush(Arguments args, WebAdmin admin, Output out) {
        args.atMost(3);
        String domain = args.optionalWord(2).orElse(null);
        Json answer = admin.expect(admin.post(BASE + "/flush" + (domain == null ? "" : "?domain=" + WebAdmin.encode(domain))),
            "queue flush").json();
        if (out.json()) {
            out.print(answer);
            return;
        }
        out.line(Output.count(answer.get("flushed").asInt(), "deferred mail") + (domain == null ? "" : " for " + domain) + " due now");
    }

    private static void one(String action, Arguments args, WebAdmin admin, Output out) {
        String id = args.word(2, "queue id");
        args.atMost(3);
        String path = BASE + "/" + WebAdmin.segment(id);
        WebAdmin.Answer answer = action.equals("delete") ? admin.delete(path) : admin.post(path + "/" + action);
        Json result = admin.expect(answer, "queue " + action + " " + id).json();
        if (out.json()) {
            out.print(result);
            return;
        }
        out.line(id + ": " + result.get("result").asText() + switch (action) {
            case "hold" -> " (never delivered until released)";
            case "release" -> " (due now)";
            case "delete" -> " (removed, no notification sent)";
            default -> " (removed, the sender is sent a failure notice)";
        });
    }

    private static void reroute(Arguments args, WebAdmin admin, Output out) {
        String domain = args.word(2, "domain");
        String nextHop = args.word(3, "next hop (smtp:[host]:port, smtp:host:port or mx)");
        args.atMost(4);
        Json answer = admin.expect(admin.post(BASE + "/reroute?domain=" + WebAdmin.encode(domain) + "&nextHop="
            + WebAdmin.encode(nextHop)), "queue reroute " + domain).json();
        if (out.json()) {
            out.print(answer);
            return;
        }
        out.line(Output.count(answer.get("rerouted").asInt(), "mail") + " for " + answer.get("domain").asText() + " now go to "
            + answer.get("nextHop").asText() + " (due now, held mail excepted)");
    }

    private static String sender(Json mail) {
        String sender = Output.text(mail, "sender", "");
        return sender.isEmpty() ? "<>" : sender;
    }

    private static String nextAttempt(Json mail, Instant now) {
        if (mail.get("held").asBoolean()) {
            return "held";
        }
        String due = Output.text(mail, "nextAttempt", null);
        if (due == null) {
            return "";
        }
        try {
            Duration wait = Duration.between(now, Instant.parse(due));
            return due + (wait.isNegative() || wait.isZero() ? " (due)" : " (in " + human(wait) + ")");
        } catch (DateTimeParseException e) {
            return due;
        }
    }

    private static String human(Duration wait) {
        long seconds = wait.toSeconds();
        if (seconds < 60) {
            return Math.max(seconds, 1) + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m";
        }
        if (seconds < 86400) {
            return seconds / 3600 + "h" + (seconds % 3600 / 60 == 0 ? "" : seconds % 3600 / 60 + "m");
        }
        return seconds / 86400 + "d" + (seconds % 86400 / 3600 == 0 ? "" : seconds % 86400 / 3600 + "h");
    }
}
