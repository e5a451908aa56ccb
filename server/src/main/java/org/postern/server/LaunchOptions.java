package org.postern.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The launcher's command line: {@code dev [--conf DIR] [--data DIR]}, {@code start --conf DIR --data DIR} or
 * {@code check [--conf DIR]}. Dev mode binds loopback on unprivileged ports, keeps its data in ./var and seeds a demo
 * domain and user; check starts on a scratch data directory and stops (its {@code data} is unused).
 */
public record LaunchOptions(Mode mode, Path conf, Path data) {
    public enum Mode { DEV, START, CHECK }

    static final String USAGE = "usage: postern dev [--conf DIR] [--data DIR] | postern start --conf DIR --data DIR"
        + " | postern check --conf DIR | postern help (the administrator's commands)";

    public static LaunchOptions parse(String... args) {
        if (args.length == 0) {
            throw new UsageException("no command given; " + USAGE);
        }
        Mode mode = switch (args[0]) {
            case "dev" -> Mode.DEV;
            case "start" -> Mode.START;
            case "check" -> Mode.CHECK;
            default -> throw new UsageException("unknown command '" + args[0] + "'; " + USAGE);
        };
        Optional<Path> conf = Optional.empty();
        Optional<Path> data = Optional.empty();
        for (int i = 1; i < args.length; i += 2) {
            String flag = args[i];
            if (!flag.equals("--conf") && !flag.equals("--data")) {
                throw new UsageException("unknown flag '" + flag + "'; " + USAGE);
            }
            if (i + 1 >= args.length) {
                throw new UsageException("flag " + flag + " needs a value; " + USAGE);
            }
            Path value = Path.of(args[i + 1]);
            if (flag.equals("--conf")) {
                conf = Optional.of(value);
            } else {
                data = Optional.of(value);
            }
        }
        if (mode == Mode.START && (conf.isEmpty() || data.isEmpty())) {
            throw new UsageException("start needs both --conf and --data; " + USAGE);
        }
        if (mode == Mode.CHECK && data.isPresent()) {
            throw new UsageException("check takes no --data: it starts on a scratch data directory; " + USAGE);
        }
        Path confDir = conf.orElse(Path.of("james-conf"));
        if (!Files.isDirectory(confDir)) {
            throw new UsageException("--conf " + confDir + ": not a directory");
        }
        return new LaunchOptions(mode, confDir.toAbsolutePath().normalize(),
            data.orElse(Path.of("var")).toAbsolutePath().normalize());
    }

    public Listeners listeners() {
        return switch (mode) {
            case DEV -> Listeners.dev();
            case CHECK -> Listeners.trial();
            default -> Listeners.AS_CONFIGURED;
        };
    }

    public static class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
