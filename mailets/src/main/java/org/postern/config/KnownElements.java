package org.postern.config;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;

/**
 * The elements and attributes a Postern settings file may hold, at every level, so that a misspelt one stops
 * start-up instead of being silently ignored. Paths are written as in docs/configuration.md: {@code retry/first} for an
 * element, {@code tls@level} and {@code tls/nexthop@name} for attributes; an element is known when a known path
 * lies inside it.
 */
public final class KnownElements {
    private final String file;
    private final Set<String> known;

    public KnownElements(String file, Set<String> known) {
        this.file = file;
        this.known = Set.copyOf(known);
    }

    /** The first element or attribute of {@code xml} that is not known, as a one-line problem naming file and path. */
    public Optional<String> unknownIn(HierarchicalConfiguration<ImmutableNode> xml) {
        return unknownIn(xml.getNodeModel().getNodeHandler().getRootNode(), "");
    }

    private Optional<String> unknownIn(ImmutableNode node, String path) {
        for (String attribute : node.getAttributes().keySet()) {
            String attributePath = path + "@" + attribute;
            if (!known.contains(attributePath)) {
                return Optional.of(file + ": unknown attribute <" + attributePath + ">; known there: " + namesUnder(path, "@"));
            }
        }
        for (ImmutableNode child : node.getChildren()) {
            String childPath = path.isEmpty() ? child.getNodeName() : path + "/" + child.getNodeName();
            if (!isKnownElement(childPath)) {
                return Optional.of(file + ": unknown element <" + childPath + ">; known "
                    + (path.isEmpty() ? "at the top" : "in <" + path + ">") + ": " + namesUnder(path, "/"));
            }
            Optional<String> inside = unknownIn(child, childPath);
            if (inside.isPresent()) {
                return inside;
            }
        }
        return Optional.empty();
    }

    private boolean isKnownElement(String path) {
        return known.stream().anyMatch(candidate -> candidate.equals(path) || candidate.startsWith(path + "/")
            || candidate.startsWith(path + "@"));
    }

    /** The names directly under {@code path}: child elements ({@code separator} "/") or attributes ("@"). */
    private String namesUnder(String path, String separator) {
        String prefix = path.isEmpty() && separator.equals("/") ? "" : path + separator;
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (String candidate : known) {
            if (candidate.startsWith(prefix) && (!prefix.isEmpty() || !candidate.startsWith("@"))) {
                String rest = candidate.substring(prefix.length());
                String name = rest.split("[/@]", 2)[0];
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}
