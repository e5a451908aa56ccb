package org.postern.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The children of a metric by the value of one open-ended label (a next hop, a domain), each made once and kept:
 * a lookup is one map read. At most {@code max} values get children of their own; later values share the child of
 * {@link #OTHER}, so that a gateway relaying to the whole internet does not grow a series per domain it ever saw.
 */
public final class BoundedLabel<C> {
    public static final String OTHER = "other";

    private final Map<String, C> children = new ConcurrentHashMap<>();
    private final Function<String, C> child;
    private final int max;

    public BoundedLabel(int max, Function<String, C> child) {
        this.max = max;
        this.child = child;
    }

    public C get(String value) {
        C found = children.get(value);
        if (found != null) {
            return found;
        }
        return children.computeIfAbsent(children.size() < max ? value : OTHER, child);
    }
}
