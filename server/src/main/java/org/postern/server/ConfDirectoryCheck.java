package org.postern.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Checks the conf directory before James reads it, so that a typo stops start-up with one line naming the file,
 * the element and the value, instead of a stack trace from deep inside the server.
 */
public final class ConfDirectoryCheck {
    static final List<String> REQUIRED_FILES = List.of(
        "smtpserver.xml", "pop3server.xml", "mailetcontainer.xml", "domainlist.xml", "usersrepository.xml",
        "recipientrewritetable.xml", "mailrepositorystore.xml", "dnsservice.xml", DatabaseConfiguration.FILE);

    private ConfDirectoryCheck() {
    }

    public static void verify(Path conf) {
        for (String file : REQUIRED_FILES) {
            if (!Files.isRegularFile(conf.resolve(file))) {
                throw new InvalidConfigurationException(conf.resolve(file) + ": file not found (the conf directory must hold "
                    + String.join(", ", REQUIRED_FILES) + ")");
            }
        }
        try (var files = Files.list(conf)) {
            for (Path xml : files.filter(path -> path.toString().endsWith(".xml")).sorted().toList()) {
                Document document = parse(xml);
                checkListeners(xml, document);
            }
        } catch (IOException e) {
            throw new InvalidConfigurationException(conf + ": cannot read the conf directory: " + e.getMessage());
        }
    }

    private static Document parse(Path xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            return builder.parse(xml.toFile());
        } catch (SAXParseException e) {
            throw new InvalidConfigurationException(xml + ":" + e.getLineNumber() + ":" + e.getColumnNumber()
                + ": not well-formed XML: " + e.getMessage());
        } catch (SAXException | IOException | ParserConfigurationException e) {
            throw new InvalidConfigurationException(xml + ": cannot be read: " + e.getMessage());
        }
    }

    /** Every protocol listener needs a bind of the form host:port with a valid port. */
    private static void checkListeners(Path xml, Document document) {
        for (String server : List.of("smtpserver", "pop3server", "imapserver", "lmtpserver")) {
            NodeList servers = document.getElementsByTagName(server);
            for (int i = 0; i < servers.getLength(); i++) {
                Element element = (Element) servers.item(i);
                if ("false".equalsIgnoreCase(element.getAttribute("enabled"))) {
                    continue;
                }
                NodeList binds = element.getElementsByTagName("bind");
                for (int j = 0; j < binds.getLength(); j++) {
                    checkBind(xml, server, binds.item(j).getTextContent().trim());
                }
                NodeList sizes = element.getElementsByTagName("maxmessagesize");
                for (int j = 0; j < sizes.getLength(); j++) {
                    checkNonNegative(xml, server + "/maxmessagesize", sizes.item(j).getTextContent().trim());
                }
            }
        }
    }

    private static void checkBind(Path xml, String server, String bind) {
        for (String address : bind.split(",")) {
            String value = address.trim();
            int colon = value.lastIndexOf(':');
            if (colon <= 0) {
                throw new InvalidConfigurationException(xml.toString(), server + "/bind", value, "expected host:port");
            }
            try {
                int port = Integer.parseInt(value.substring(colon + 1));
                if (port < 0 || port > 65535) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new InvalidConfigurationException(xml.toString(), server + "/bind", value, "port must be 0-65535");
            }
        }
    }

    private static void checkNonNegative(Path xml, String element, String value) {
        try {
            if (Long.parseLong(value) >= 0) {
                return;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidConfigurationException(xml.toString(), element, value, "must be a whole number of kilobytes, 0 or more");
    }
}
