package org.postern.server.check;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;

import org.postern.server.InvalidConfigurationException;
import org.xml.sax.Attributes;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * An XML file as a tree of elements that remember their line, so that a check can say where a problem is
 * ({@code mailetcontainer.xml:64}); the JDK's SAX parser reads it, with document type declarations refused.
 */
record LocatedXml(String name, Map<String, String> attributes, List<LocatedXml> children, String text, int line) {
    static LocatedXml parse(Path file) {
        try {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            SAXParser parser = factory.newSAXParser();
            TreeBuilder builder = new TreeBuilder();
            parser.parse(file.toFile(), builder);
            return builder.root;
        } catch (SAXParseException e) {
            throw new InvalidConfigurationException(file + ":" + e.getLineNumber() + ":" + e.getColumnNumber()
                + ": not well-formed XML: " + e.getMessage());
        } catch (SAXException | IOException | ParserConfigurationException e) {
            throw new InvalidConfigurationException(file + ": cannot be read: " + e.getMessage());
        }
    }

    Optional<String> attribute(String attribute) {
        return Optional.ofNullable(attributes.get(attribute));
    }

    List<LocatedXml> children(String child) {
        return children.stream().filter(element -> element.name.equals(child)).toList();
    }

    /** The trimmed text of the first child element of that name. */
    Optional<String> childText(String child) {
        return children(child).stream().findFirst().map(element -> element.text.trim());
    }

    private static final class TreeBuilder extends DefaultHandler {
        private final Deque<Building> open = new ArrayDeque<>();
        private Locator locator;
        private LocatedXml root;

        private record Building(String name, Map<String, String> attributes, List<LocatedXml> children, StringBuilder text, int line) {
        }

        @Override
        public void setDocumentLocator(Locator locator) {
            this.locator = locator;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes) {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < attributes.getLength(); i++) {
                values.put(attributes.getQName(i), attributes.getValue(i));
            }
            open.push(new Building(qName, values, new ArrayList<>(), new StringBuilder(), locator == null ? 0 : locator.getLineNumber()));
        }

        @Override
        public void characters(char[] characters, int start, int length) {
            if (!open.isEmpty()) {
                open.peek().text().append(characters, start, length);
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            Building done = open.pop();
            LocatedXml element = new LocatedXml(done.name(), Map.copyOf(done.attributes()), List.copyOf(done.children()),
                done.text().toString(), done.line());
            if (open.isEmpty()) {
                root = element;
            } else {
                open.peek().children().add(element);
            }
        }
    }
}
