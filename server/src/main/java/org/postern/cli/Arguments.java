package org.postern.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One command line: the words, and the {@code --name value} options and {@code --name} switches a command allows
 * (anywhere among the words). Anything else is a usage error.
 */
final class Arguments {
    private final List<String> words;
    private final Map<String, String> options;

    private Arguments(List<String> words, Map<String, String> options) {
        this.words = words;
        this.options = options;
    }

    static Arguments parse(List<String> args, Set<String> valued, Set<String> switches) {
        List<String> words = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.equals("--")) {
                words.add(arg);
            } else if (switches.contains(arg)) {
                options.put(arg, "");
            } else if (valued.contains(arg)) {
                if (i + 1 >= args.size()) {
                    throw CliFailure.usage("option " + arg + " needs a value");
                }
                options.put(arg, args.get(++i));
            } else {
                throw CliFailure.usage("unknown option '" + arg + "'");
            }
        }
        return new Arguments(List.copyOf(words), options);
    }

    int count() {
        return words.size();
    }

    /** Word {@code index}, required: {@code name} says what it is in the usage error. */
    String word(int index, String name) {
        if (index >= words.size()) {
            throw CliFailure.usage("missing " + name);
        }
        return words.get(index);
    }

    Optional<String> optionalWord(int index) {
        return index < words.size() ? Optional.of(words.get(index)) : Optional.empty();
    }

    /** At most {@code count} words; more is a usage error naming the first extra one. */
    void atMost(int count) {
        if (words.size() > count) {
            throw CliFailure.usage("unexpected argument '" + words.get(count) + "'");
        }
    }

    Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    boolean has(String name) {
        return options.containsKey(name);
    }
}
