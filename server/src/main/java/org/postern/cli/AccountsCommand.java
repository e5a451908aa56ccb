package org.postern.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;


/**
 * {@code postern users add|list|remove} and {@code postern domains add|list|remove}, on James's own webadmin routes
 * ({@code /users}, {@code /domains}). A new user's password is asked on the terminal (twice, not echoed) or read as
 * the first line of standard input, never taken from the command line, where {@code ps} would show it.
 */
final class AccountsCommand {
    static final String USERS_USAGE = "users list | users add USER (password from the terminal or stdin) | users remove USER";
    static final String DOMAINS_USAGE = "domains list | domains add DOMAIN | domains remove DOMAIN";

    private AccountsCommand() {
    }

    static void users(Arguments args, WebAdmin admin, Output out, InputStream stdin) {
        String action = args.word(1, "users action: " + USERS_USAGE);
        switch (action) {
            case "list" -> {
                args.atMost(2);
                Json users = admin.expect(admin.get("/users"), "users list").json();
                if (out.json()) {
                    out.print(users);
                } else {
                    users.forEach(user -> out.line(user.get("username").asText()));
                }
            }
            case "add" -> {
                String user = args.word(2, "user (an address)");
                args.atMost(3);
                String body = "{\"password\":" + Json.quote(password(user, stdin)) + "}";
                WebAdmin.Answer answer = admin.put("/users/" + WebAdmin.segment(user), body);
                if (answer.status() == 409) {
                    throw CliFailure.failed("users add " + user + ": the user exists already");
                }
                admin.expect(answer, "users add " + user);
                done(out, "added user " + user, "user", user, "added");
            }
            case "remove" -> {
                String user = args.word(2, "user");
                args.atMost(3);
                // James answers 204 to a DELETE of an unknown user: ask first, to tell a typo from a removal
                if (admin.head("/users/" + WebAdmin.segment(user)).status() == 404) {
                    throw CliFailure.failed("users remove " + user + ": no such user");
                }
                admin.expect(admin.delete("/users/" + WebAdmin.segment(user)), "users remove " + user);
                done(out, "removed user " + user, "user", user, "removed");
            }
            default -> throw CliFailure.usage("unknown users action '" + action + "'; " + USERS_USAGE);
        }
    }

    static void domains(Arguments args, WebAdmin admin, Output out) {
        String action = args.word(1, "domains action: " + DOMAINS_USAGE);
        switch (action) {
            case "list" -> {
                args.atMost(2);
                Json domains = admin.expect(admin.get("/domains"), "domains list").json();
                if (out.json()) {
                    out.print(domains);
                } else {
                    domains.forEach(domain -> out.line(domain.asText()));
                }
            }
            case "add", "remove" -> {
                String domain = args.word(2, "domain");
                args.atMost(3);
                // James answers 204 whether or not the domain was there: ask first
                WebAdmin.Answer exists = admin.get("/domains/" + WebAdmin.segment(domain));
                if (exists.status() == 400) {
                    admin.expect(exists, "domains " + action + " " + domain);
                }
                boolean present = exists.ok();
                if (action.equals("add") && present) {
                    throw CliFailure.failed("domains add " + domain + ": the domain exists already");
                }
                if (action.equals("remove") && !present) {
                    throw CliFailure.failed("domains remove " + domain + ": no such domain");
                }
                String path = "/domains/" + WebAdmin.segment(domain);
                admin.expect(action.equals("add") ? admin.put(path, null) : admin.delete(path), "domains " + action + " " + domain);
                String done = action.equals("add") ? "added" : "removed";
                done(out, done + " domain " + domain, "domain", domain, done);
            }
            default -> throw CliFailure.usage("unknown domains action '" + action + "'; " + DOMAINS_USAGE);
        }
    }

    private static void done(Output out, String sentence, String field, String value, String result) {
        if (out.json()) {
            java.util.Map<String, String> answer = new java.util.LinkedHashMap<>();
            answer.put(field, value);
            answer.put("result", result);
            out.print(Json.object(answer));
        } else {
            out.line(sentence);
        }
    }

    private static String password(String user, InputStream stdin) {
        Console console = System.console();
        if (console != null) {
            char[] first = console.readPassword("password for %s: ", user);
            char[] second = console.readPassword("again: ");
            if (first == null || second == null || !Arrays.equals(first, second)) {
                throw CliFailure.usage("the two passwords differ");
            }
            return nonEmpty(new String(first));
        }
        try {
            String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
            return nonEmpty(line == null ? "" : line);
        } catch (IOException e) {
            throw CliFailure.usage("cannot read the password from standard input: " + e.getMessage());
        }
    }

    private static String nonEmpty(String password) {
        if (password.isEmpty()) {
            throw CliFailure.usage("no password given (type it at the prompt, or give it as the first line of standard input)");
        }
        return password;
    }
}
