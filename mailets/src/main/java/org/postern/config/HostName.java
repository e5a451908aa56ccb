package org.postern.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.util.LoggingLevel;

/**
 * This server's one name, {@code <hostname>} of {@code postern.xml}: the SMTP greeting ({@code 220 <name> …}) and
 * every listener's {@code helloName} (EHLO reply, Received headers; Postern's server sets them), the EHLO Postern
 * sends to next hops and in callouts, and the host of its notices (Reporting-MTA, {@code MAILER-DAEMON@<name>}).
 * Without it, this machine's name.
 *
 * <p>Earlier configurations named the server in several places: {@code <heloName>} in delivery.xml and in
 * relaydomains.xml's {@code <callout>}, a listener's {@code <helloName autodetect="false">} in smtpserver.xml or
 * pop3server.xml, a host name leading {@code <smtpGreeting>}. They keep working where they agree: with
 * {@code <hostname>} set, each must be that name (else start-up stops, saying to remove it); without it, the name they
 * all give is the host name ({@link #adoptedFrom()} says where from, for a warning); names that differ stop start-up,
 * saying what to write.</p>
 */
public record HostName(String value, Optional<String> adoptedFrom) {
    public static final String FILE = "postern.xml";
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
    private static final Pattern DOTTED_HOST = Pattern.compile("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    private static final List<String> LISTENERS = List.of("smtpserver", "pop3server", "lmtpserver", "imapserver");
    private static final KnownElements ELEMENTS = new KnownElements(FILE, Set.of("hostname"));

    public static HostName of(String value) {
        return new HostName(value, Optional.empty());
    }

    /** A name found in an earlier configuration: where ({@code delivery.xml <heloName>}) and which. */
    record Legacy(String where, String name) {
    }

    /** Reads postern.xml and the earlier places; throws naming file, element, value and what to write. */
    public static HostName resolve(ConfigurationProvider configuration) throws ConfigurationException {
        HierarchicalConfiguration<ImmutableNode> postern = configuration.getConfiguration("postern", LoggingLevel.DEBUG);
        Optional<String> unknown = ELEMENTS.unknownIn(postern);
        if (unknown.isPresent()) {
            throw new ConfigurationException(unknown.get());
        }
        String configured = postern.getString("hostname", "").trim();
        if (!configured.isEmpty() && !HOST.matcher(configured).matches()) {
            throw new ConfigurationException(FILE + ": <hostname> = '" + configured + "': must be a host name such as mail.example.org");
        }
        List<Legacy> legacy = legacy(configuration);
        if (!configured.isEmpty()) {
            for (Legacy old : legacy) {
                if (!old.name().equalsIgnoreCase(configured)) {
                    throw new ConfigurationException(old.where() + " = '" + old.name() + "' differs from <hostname> '" + configured
                        + "' of " + FILE + ": remove it (the host name is set once, as <hostname> in " + FILE + ")");
                }
            }
            return of(configured);
        }
        Set<String> names = new LinkedHashSet<>();
        legacy.forEach(old -> names.add(old.name().toLowerCase(Locale.ROOT)));
        if (names.isEmpty()) {
            return of(localHostName());
        }
        if (names.size() > 1) {
            List<String> places = new ArrayList<>();
            legacy.forEach(old -> places.add(old.where() + " '" + old.name() + "'"));
            throw new ConfigurationException("the server is named differently in " + String.join(", ", places)
                + ": write <postern><hostname>NAME</hostname></postern> in " + FILE + " and remove those elements");
        }
        return new HostName(legacy.get(0).name(), Optional.of(legacy.get(0).where()));
    }

    private static List<Legacy> legacy(ConfigurationProvider configuration) throws ConfigurationException {
        List<Legacy> found = new ArrayList<>();
        name(configuration.getConfiguration("delivery", LoggingLevel.DEBUG).getString("heloName", null))
            .ifPresent(name -> found.add(new Legacy("delivery.xml <heloName>", name)));
        name(configuration.getConfiguration("relaydomains", LoggingLevel.DEBUG).getString("callout.heloName", null))
            .ifPresent(name -> found.add(new Legacy("relaydomains.xml <callout><heloName>", name)));
        for (String listener : LISTENERS) {
            HierarchicalConfiguration<ImmutableNode> servers = configuration.getConfiguration(listener, LoggingLevel.DEBUG);
            for (HierarchicalConfiguration<ImmutableNode> server : servers.configurationsAt(listener)) {
                String where = listener + ".xml " + server.getString("jmxName", listener) + " ";
                if (!server.getBoolean("helloName[@autodetect]", true)) {
                    name(server.getString("helloName", null)).ifPresent(name -> found.add(new Legacy(where + "<helloName>", name)));
                }
                greetingHost(server.getString("smtpGreeting", null))
                    .ifPresent(name -> found.add(new Legacy(where + "<smtpGreeting>", name)));
            }
        }
        return found;
    }

    private static Optional<String> name(String value) {
        return Optional.ofNullable(value).map(String::trim).filter(name -> !name.isEmpty());
    }

    /** The host name an earlier configuration put first in the greeting ({@code mx.example.org Postern ESMTP}). */
    static Optional<String> greetingHost(String greeting) {
        return name(greeting).map(text -> text.split("\\s+")[0]).filter(word -> DOTTED_HOST.matcher(word).matches());
    }

    /** The SMTP greeting's text after {@code 220}: this name, then the configured text unless that already starts with it. */
    public String greeting(String configured) {
        String text = configured == null ? "" : configured.trim();
        if (greetingHost(text).isPresent()) {
            text = text.substring(text.split("\\s+")[0].length()).trim();
        }
        return text.isEmpty() ? value : value + " " + text;
    }

    /** This host's canonical name, "localhost" when it has none that is a plain host name. */
    public static String localHostName() {
        try {
            String name = InetAddress.getLocalHost().getCanonicalHostName();
            return HOST.matcher(name).matches() ? name : "localhost";
        } catch (Exception e) {
            return "localhost";
        }
    }
}
