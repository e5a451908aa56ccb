package org.postern.acceptance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;

/**
 * The known recipients of the relay domains verified by list, like Postfix's relay_recipient_maps: one entry per
 * line, either an address ({@code alice@partner.example}) or a whole domain ({@code @partner.example}); blank lines
 * and {@code #} comments are ignored. Matching ignores case, as Postfix's lookups do.
 */
public final class RecipientList {
    public static final RecipientList EMPTY = new RecipientList(Set.of(), Set.of());

    private final Set<String> addresses;
    private final Set<String> wholeDomains;

    private RecipientList(Set<String> addresses, Set<String> wholeDomains) {
        this.addresses = addresses;
        this.wholeDomains = wholeDomains;
    }

    public boolean contains(MailAddress recipient) {
        String domain = recipient.getDomain().asString();
        return wholeDomains.contains(domain)
            || addresses.contains(recipient.getLocalPart().toLowerCase(Locale.ROOT) + "@" + domain);
    }

    public int size() {
        return addresses.size() + wholeDomains.size();
    }

    /** Parses the list; a bad entry is an {@link IllegalArgumentException} naming source, line and value. */
    public static RecipientList parse(InputStream in, String source) throws IOException {
        Set<String> addresses = new HashSet<>();
        Set<String> wholeDomains = new HashSet<>();
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int number = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            number++;
            String entry = line.strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            if (entry.startsWith("@")) {
                wholeDomains.add(domainOf(entry.substring(1), source, number, entry));
            } else {
                MailAddress address = address(entry, source, number);
                addresses.add(address.getLocalPart().toLowerCase(Locale.ROOT) + "@" + address.getDomain().asString());
            }
        }
        return new RecipientList(Set.copyOf(addresses), Set.copyOf(wholeDomains));
    }

    private static MailAddress address(String entry, String source, int line) {
        try {
            return new MailAddress(entry);
        } catch (AddressException | IllegalArgumentException e) {
            throw new InvalidListException(source, line, entry, "not an address (user@domain) or a domain (@domain)");
        }
    }

    private static String domainOf(String text, String source, int line, String entry) {
        try {
            return new MailAddress("postmaster@" + text).getDomain().asString();
        } catch (AddressException | IllegalArgumentException e) {
            throw new InvalidListException(source, line, entry, "not a domain name after @");
        }
    }

    public static class InvalidListException extends IllegalArgumentException {
        InvalidListException(String source, int line, String value, String rule) {
            super(source + ":" + line + ": '" + value + "': " + rule);
        }
    }
}
