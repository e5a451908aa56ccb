package org.postern.smtp.client;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a server announced in its EHLO (or LHLO) reply (RFC 5321 section 4.1.1.1): the keywords, the SIZE limit (0:
 * none given) and the AUTH mechanisms (RFC 4954; the old {@code AUTH=} form too). {@link #NONE} after HELO.
 */
public record Capabilities(Set<String> keywords, long maxSize, Set<String> authMechanisms) {
    public static final Capabilities NONE = new Capabilities(Set.of(), 0, Set.of());

    public Capabilities {
        keywords = Set.copyOf(keywords);
        authMechanisms = Set.copyOf(authMechanisms);
    }

    /** From the lines of a 250 reply to EHLO; the first line is the greeting, each other one a keyword and its parameters. */
    static Capabilities fromEhlo(List<String> lines) {
        Set<String> keywords = new HashSet<>();
        Set<String> auth = new HashSet<>();
        long maxSize = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] words = line.substring(Math.min(4, line.length())).trim().toUpperCase(Locale.ROOT).split("[ =]+");
            if (words.length == 0 || words[0].isEmpty()) {
                continue;
            }
            keywords.add(words[0]);
            if (words[0].equals("SIZE") && words.length > 1) {
                try {
                    maxSize = Long.parseLong(words[1]);
                } catch (NumberFormatException e) {
                    maxSize = 0;
                }
            } else if (words[0].equals("AUTH")) {
                auth.addAll(List.of(words).subList(1, words.length));
            }
        }
        return new Capabilities(keywords, maxSize, auth);
    }

    public boolean offers(String keyword) {
        return keywords.contains(keyword);
    }
}
