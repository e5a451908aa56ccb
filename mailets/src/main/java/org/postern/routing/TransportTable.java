package org.postern.routing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;

import org.xml.sax.Attributes;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The admin's per-domain routing overrides, like Postfix's transport_maps, from {@code transport.xml}:
 *
 * <pre>{@code
 * <transport>
 *     <route domain="example.com" action="smtp:[10.0.0.5]:2525"/>    <!-- this domain only -->
 *     <route domain=".example.com" action="mx"/>                     <!-- its subdomains -->
 *     <route domain="partner.test" action="smtp:[smtp.isp.test]:587" user="gw" passwordFile="isp.secret" tls="secure"/>
 *     <route domain="bank.test" action="mx" tls="dane" sourceAddress="192.0.2.7"/>
 *     <route domain="mail.test" action="lmtp:[10.0.0.9]:24"/>
 *     <route domain="archive.test" action="camel:direct:archive"/>
 *     <route domain="old.test" action="error:5.1.2 This domain no longer receives mail"/>
 *     <route domain="*" action="mx"/>                                 <!-- everything else -->
 * </transport>
 * }</pre>
 *
 * <p>Lookup order, most specific first: the exact domain, then {@code .parent} entries from the closest parent
 * up, then {@code *}; with no match the answer is {@code mx}. Domains compare case-insensitively and without a
 * trailing dot. Each entry remembers its line, so that "where would this go?" can name it.</p>
 *
 * <p>{@code <transport mxPort="2525">} sets the port the MX hosts of {@code mx} next hops are reached on, for
 * delivery and callouts alike (Postfix's {@code smtp_tcp_port}); default 25, which the Internet uses. Another value
 * is for closed networks and tests, where every MX host listens on that port.</p>
 *
 * <p>An {@code mx}, {@code smtp:} or {@code lmtp:} route may say how to reach its hosts ({@link RouteOptions}):
 * {@code tls} (a {@link org.postern.smtp.client.TlsLevel}), {@code tlsMatch} (names for {@code verify}/{@code secure}, separated by
 * {@code :} or spaces; a leading dot means any subdomain), {@code user} with {@code password} or
 * {@code passwordFile} (relative to this file's folder; its first line is the password) for AUTH, which needs a
 * level that never sends in clear ({@code encrypt}, {@code verify}, {@code secure}; the default then is
 * {@code encrypt}), and {@code sourceAddress}, an address of this host to connect from.</p>
 */
public final class TransportTable {
    public static final String FILE = "transport.xml";
    public static final int SMTP_PORT = 25;
    public static final TransportTable EMPTY = new TransportTable(Map.of(), Optional.empty(), SMTP_PORT);

    /** A table line: the pattern that matched, the next hop it names and how to reach its hosts. */
    public record Entry(String pattern, NextHop nextHop, int line, RouteOptions options) {
        public static final Entry DEFAULT = new Entry("(default)", new NextHop.Mx(), 0, RouteOptions.NONE);

        public Entry(String pattern, NextHop nextHop, int line) {
            this(pattern, nextHop, line, RouteOptions.NONE);
        }

        /** The next hop as {@code ResolveNextHop} records it for a domain this entry routes. */
        public NextHop recordedNextHop(String domain) {
            return nextHop.routedFor(domain);
        }
    }

    private final Map<String, Entry> byPattern;
    private final Optional<Entry> fallback;
    private final int mxPort;

    private TransportTable(Map<String, Entry> byPattern, Optional<Entry> fallback, int mxPort) {
        this.byPattern = Map.copyOf(byPattern);
        this.fallback = fallback;
        this.mxPort = mxPort;
    }

    /** The port MX hosts are reached on ({@code <transport mxPort>}, default 25). */
    public int mxPort() {
        return mxPort;
    }

    public Entry lookup(String domain) {
        String normalized = normalize(domain);
        Entry exact = byPattern.get(normalized);
        if (exact != null) {
            return exact;
        }
        for (int dot = normalized.indexOf('.'); dot >= 0; dot = normalized.indexOf('.', dot + 1)) {
            Entry parent = byPattern.get(normalized.substring(dot));
            if (parent != null) {
                return parent;
            }
        }
        return fallback.orElse(Entry.DEFAULT);
    }

    /**
     * The entry behind a recorded next hop: the domain's own entry while it still names that next hop, else the
     * first entry that does (the table changed since), else {@link Entry#DEFAULT} (no options).
     */
    public Entry entryFor(NextHop nextHop, String domain) {
        Entry own = lookup(domain);
        if (own.recordedNextHop(domain).equals(nextHop)) {
            return own;
        }
        for (Entry entry : byPattern.values()) {
            if (!(entry.nextHop() instanceof NextHop.Mx) && entry.nextHop().equals(nextHop)) {
                return entry;
            }
        }
        return fallback.filter(entry -> entry.recordedNextHop(domain).equals(nextHop)).orElse(Entry.DEFAULT);
    }

    public int size() {
        return byPattern.size() + (fallback.isPresent() ? 1 : 0);
    }

    /** Parses a table; a mistake throws {@link InvalidTableException} naming the line and the value. */
    public static TransportTable parse(InputStream xml, String source) throws IOException {
        return parse(xml, source, Path.of("."));
    }

    /** The same, {@code passwordFile} names relative to {@code folder}. */
    public static TransportTable parse(InputStream xml, String source, Path folder) throws IOException {
        Parser parser = new Parser(source, folder);
        try {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.newSAXParser().parse(xml, parser);
        } catch (SAXParseException e) {
            throw new InvalidTableException(source + ":" + e.getLineNumber() + ": not well-formed XML: " + e.getMessage());
        } catch (SAXException | ParserConfigurationException e) {
            if (e.getCause() instanceof InvalidTableException invalid) {
                throw invalid;
            }
            throw new InvalidTableException(source + ": " + e.getMessage());
        }
        return new TransportTable(parser.entries, parser.fallback, parser.mxPort);
    }

    static String normalize(String domain) {
        String lower = domain.trim().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    public static class InvalidTableException extends IllegalArgumentException {
        public InvalidTableException(String message) {
            super(message);
        }
    }

    private static final java.util.Set<String> ATTRIBUTES = java.util.Set.of("domain", "action", "user", "password",
        "passwordFile", "tls", "tlsMatch", "sourceAddress");

    private static final class Parser extends DefaultHandler {
        private final String source;
        private final Path folder;
        private final Map<String, Entry> entries = new HashMap<>();
        private Optional<Entry> fallback = Optional.empty();
        private int mxPort = SMTP_PORT;
        private Locator locator;
        private final List<String> path = new ArrayList<>();

        Parser(String source, Path folder) {
            this.source = source;
            this.folder = folder;
        }

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
        }

        @Override
        public void startElement(String uri, String localName, String element, Attributes attributes) throws SAXException {
            path.add(element);
            int line = locator == null ? 0 : locator.getLineNumber();
            if (path.size() == 1) {
                if (!element.equals("transport")) {
                    throw fail(line, "<" + element + ">", "the root element must be <transport>");
                }
                mxPort = mxPort(line, attributes);
                return;
            }
            if (path.size() != 2 || !element.equals("route")) {
                throw fail(line, "<" + element + ">", "only <route> elements may appear in <transport>");
            }
            String domain = attributes.getValue("domain");
            String action = attributes.getValue("action");
            if (domain == null || domain.isBlank()) {
                throw fail(line, "<route domain>", "is required");
            }
            for (int i = 0; i < attributes.getLength(); i++) {
                if (!ATTRIBUTES.contains(attributes.getQName(i))) {
                    throw fail(line, "<route domain=\"" + domain + "\">", "unknown attribute " + attributes.getQName(i) + "; known: " + ATTRIBUTES);
                }
            }
            NextHop nextHop;
            try {
                nextHop = NextHop.parseAction(action);
            } catch (IllegalArgumentException e) {
                throw fail(line, "<route domain=\"" + domain + "\" action>", "'" + action + "': " + e.getMessage());
            }
            RouteOptions options;
            try {
                options = RouteOptionsParser.parse(nextHop, attributes::getValue, folder);
            } catch (IllegalArgumentException e) {
                throw fail(line, "<route domain=\"" + domain + "\" action=\"" + action + "\">", e.getMessage());
            }
            String pattern = domain.equals("*") ? "*" : normalize(domain);
            Entry entry = new Entry(pattern, nextHop, line, options);
            if (pattern.equals("*")) {
                if (fallback.isPresent()) {
                    throw fail(line, "<route domain=\"*\">", "duplicate of line " + fallback.get().line());
                }
                fallback = Optional.of(entry);
            } else if (entries.putIfAbsent(pattern, entry) != null) {
                throw fail(line, "<route domain=\"" + domain + "\">", "duplicate of line " + entries.get(pattern).line());
            }
        }

        private int mxPort(int line, Attributes attributes) throws SAXException {
            for (int i = 0; i < attributes.getLength(); i++) {
                if (!attributes.getQName(i).equals("mxPort")) {
                    throw fail(line, "<transport>", "unknown attribute " + attributes.getQName(i) + "; known: [mxPort]");
                }
            }
            String value = attributes.getValue("mxPort");
            if (value == null) {
                return SMTP_PORT;
            }
            try {
                int port = Integer.parseInt(value.trim());
                if (port > 0 && port < 65536) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw fail(line, "<transport mxPort>", "'" + value + "': must be a port number from 1 to 65535");
        }

        @Override
        public void endElement(String uri, String localName, String element) {
            path.remove(path.size() - 1);
        }

        private SAXException fail(int line, String element, String problem) {
            return new SAXException(new InvalidTableException(source + ":" + line + ": " + element + " " + problem));
        }
    }
}
