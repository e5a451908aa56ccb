package org.postern.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code bin/postern}'s commands for the administrator of a running Postern, all over its webadmin ({@link WebAdmin}
 * says how it is found): {@code queue}, {@code ledger}, {@code explain}, {@code users}, {@code domains}. Tables for
 * people by default, webadmin's JSON with {@code --json}. Exit status 0 when done, 1 when webadmin refused or cannot
 * be reached, 2 for a wrong command line or configuration, always with one line on stderr saying why.
 *
 * <p>Started on a lean class path (this jar and Jackson), so a command costs one small JVM start.</p>
 */
public final class PosternCli {
    static final Set<String> GLOBAL_OPTIONS = Set.of("--conf");
    static final Set<String> GLOBAL_SWITCHES = Set.of("--json");
    static final String USAGE = "usage: postern [--conf DIR] [--json] COMMAND, COMMAND one of:\n  "
        + String.join("\n  ", QueueCommand.USAGE.replace(" | ", "\n  "), LedgerCommand.USAGE, ExplainCommand.USAGE,
            AccountsCommand.USERS_USAGE, AccountsCommand.DOMAINS_USAGE);

    private PosternCli() {
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.getenv(), System.out, System.err, System.in));
    }

    static int run(List<String> args, Map<String, String> environment, PrintStream out, PrintStream err, InputStream stdin) {
        try {
            String command = command(args);
            if (command.equals("help")) {
                out.println(USAGE);
                return 0;
            }
            Arguments arguments = Arguments.parse(args, union(GLOBAL_OPTIONS, options(command)), union(GLOBAL_SWITCHES, switches(command)));
            if (!arguments.word(0, "command").equals(command)) {
                throw CliFailure.usage("the command must come first");
            }
            Optional<Path> conf = arguments.option("--conf").map(Path::of);
            if (conf.isPresent() && !Files.isDirectory(conf.get())) {
                throw CliFailure.usage("--conf " + conf.get() + ": not a directory");
            }
            WebAdmin admin = WebAdmin.locate(conf, environment);
            Output output = new Output(out, arguments.has("--json"));
            switch (command) {
                case "queue" -> QueueCommand.run(arguments, admin, output);
                case "ledger" -> LedgerCommand.run(arguments, admin, output);
                case "explain" -> ExplainCommand.run(arguments, admin, output);
                case "users" -> AccountsCommand.users(arguments, admin, output, stdin);
                case "domains" -> AccountsCommand.domains(arguments, admin, output);
                default -> throw CliFailure.usage("unknown command '" + command + "'; 'postern help' lists them");
            }
            out.flush();
            return 0;
        } catch (CliFailure failure) {
            out.flush();
            err.println("postern: " + failure.getMessage());
            return failure.status();
        }
    }

    /** The first word that is neither an option nor the value of {@code --conf}. */
    private static String command(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            if (GLOBAL_OPTIONS.contains(args.get(i))) {
                i++;
            } else if (!args.get(i).startsWith("--")) {
                return args.get(i);
            }
        }
        throw CliFailure.usage("no command given; 'postern help' lists them");
    }

    private static Set<String> options(String command) {
        return switch (command) {
            case "queue" -> QueueCommand.OPTIONS;
            case "ledger" -> LedgerCommand.OPTIONS;
            case "explain" -> ExplainCommand.OPTIONS;
            default -> Set.of();
        };
    }

    private static Set<String> switches(String command) {
        return command.equals("ledger") ? LedgerCommand.SWITCHES : Set.of();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> union = new HashSet<>(a);
        union.addAll(b);
        return union;
    }
}
