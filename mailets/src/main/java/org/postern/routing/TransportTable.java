package org.postern.routing;

import java.io.IOException;
import java.io.InputStream;
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
 *     <route domain="partner.test" action="smtp:[smtp.isp.test]:587" user="gw" password="secret" tls="required"/>
 *     <route domain="old.test" action="error:5.1.2 This domain no longer receives mail"/>
 *     <route domain="*" action="mx"/>                                 <!-- everything else -->
 * </transport>
 * }</pre>
 *
 * <p>Lookup order, most specific first: the exact domain, then {@code .parent} entries from the closest parent
 * up, then {@code *}; with no match the answer is {@code mx}. Domains compare case-insensitively and without a
 * trailing dot. Each entry remembers its line, so that "where would this go?" can name it.</p>
 */
public final class TransportTable {
    public static final String FILE = "transport.xml";
    public static final TransportTable EMPTY = new TransportTable(Map.of(), Optional.empty());

    /** A table line: the pattern that matched and the next hop it names. */
    public record Entry(String pattern, NextHop nextHop, int line) {
        public static final Entry DEFAULT = new Entry("(default)", new NextHop.Mx(), 0);
    }

    private final Map<String, Entry> byPattern;
    private final Optional<Entry> fallback;

    private TransportTable(Map<String, Entry> byPattern, Optional<Entry> fallback) {
        this.byPattern = Map.copyOf(byPattern);
        this.fallback = fallback;
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

    public int size() {
        return byPattern.size() + (fallback.isPresent() ? 1 : 0);
    }

    /** Parses a table; a mistake throws {@link InvalidTableException} naming the line and the value. */
    public static TransportTable parse(InputStream xml, String source) throws IOException {
        Parser parser = new Parser(source);
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
        return new TransportTable(parser.entries, parser.fallback);
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

    private static final class Parser extends DefaultHandler {
        private final String source;
        private final Map<String, Entry> entries = new HashMap<>();
        private Optional<Entry> fallback = Optional.empty();
        private Locator locator;
        private final List<String> path = new ArrayList<>();

        Parser(String source) {
            this.source = source;
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
            NextHop nextHop;
            try {
                nextHop = withOptions(NextHop.parse(action), attributes);
            } catch (IllegalArgumentException e) {
                throw fail(line, "<route domain=\"" + domain + "\" action>", "'" + action + "': " + e.getMessage());
            }
            String pattern = domain.equals("*") ? "*" : normalize(domain);
            Entry entry = new Entry(pattern, nextHop, line);
            if (pattern.equals("*")) {
                if (fallback.isPresent()) {
                    throw fail(line, "<route domain=\"*\">", "duplicate of line " + fallback.get().line());
                }
                fallback = Optional.of(entry);
            } else if (entries.putIfAbsent(pattern, entry) != null) {
                throw fail(line, "<route domain=\"" + domain + "\">", "duplicate of line " + entries.get(pattern).line());
            }
        }

        @Override
        public void endElement(String uri, String localName, String element) {
            path.remove(path.size() - 1);
        }

        private NextHop withOptions(NextHop nextHop, Attributes attributes) {
            String user = attributes.getValue("user");
            String password = attributes.getValue("password");
            String tls = attributes.getValue("tls");
            if (user == null && password == null && tls == null) {
                return nextHop;
            }
            if (!(nextHop instanceof NextHop.Relay relay)) {
                throw new IllegalArgumentException("user, password and tls apply to smtp: actions only");
            }
            if ((user == null) != (password == null)) {
                throw new IllegalArgumentException("user and password go together");
            }
            if (tls != null && !tls.equals("required") && !tls.equals("may")) {
                throw new IllegalArgumentException("tls must be 'required' or 'may', not '" + tls + "'");
            }
            if (user != null && "may".equals(tls)) {
                throw new IllegalArgumentException("credentials are only sent over TLS: use tls=\"required\"");
            }
            // Credentials are never sent in clear: a route with a user requires TLS.
            return new NextHop.Relay(relay.host(), relay.port(), relay.lookupMx(),
                Optional.ofNullable(user).map(name -> new NextHop.Credentials(name, password)), "required".equals(tls) || user != null);
        }

        private SAXException fail(int line, String element, String problem) {
            return new SAXException(new InvalidTableException(source + ":" + line + ": " + element + " " + problem));
        }
    }
}
