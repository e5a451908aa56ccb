package org.postern.server.check;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.mailet.Mailet;
import org.apache.mailet.Matcher;

/**
 * The mail pipeline of {@code mailetcontainer.xml}, checked before James loads it, so that a mistake stops start-up
 * (or {@code bin/postern check}) with the file, the line and the fix, instead of showing only when mail goes wrong.
 *
 * <p>Errors:</p>
 * <ul>
 *   <li>an element or attribute James's mailet container does not read (a typo it would ignore);</li>
 *   <li>a mailet or matcher class that does not resolve the way James resolves it (the name as given, else in
 *       {@code org.apache.james.transport.mailets} or {@code …matchers}), or is not a mailet or matcher;</li>
 *   <li>a processor named by {@code ToProcessor}'s {@code processor}, any other {@code …Processor} parameter,
 *       {@code onMailetException} or {@code onMatchException} that does not exist; a missing {@code root} or
 *       {@code error} processor; two processors of one name;</li>
 *   <li>James's stock {@code LocalDelivery}: the spool replays a mail whose delivery was under way when the process
 *       died, and {@code LocalDelivery} stores it a second time ({@code LocalDeliveryOnce} does not);</li>
 *   <li>a relay processor (one that runs {@code ResolveNextHop}, or is named {@code relay}) that does not end with
 *       {@code HandOffToOutbound} for all mail, or a hand-off to a queue that delivery.xml's routes do not read.</li>
 * </ul>
 * <p>Warnings: a processor nothing can reach from {@code root}; no {@code LocalDeliveryOnce} anywhere reachable; a
 * mailet after one that takes every mail away (it never runs); a processor whose last mailet does not take every
 * mail away (James deletes what falls off its end).</p>
 *
 * <p>Whether each mailet and matcher initialises with its parameters is up to James, which loads them right after
 * this check at start-up; {@code bin/postern check} runs that start-up too.</p>
 */
public final class PipelineCheck {
    public static final String FILE = "mailetcontainer.xml";
    static final String LOCAL_DELIVERY = "org.apache.james.transport.mailets.LocalDelivery";
    static final String LOCAL_DELIVERY_ONCE = "org.postern.mailbox.LocalDeliveryOnce";
    static final String HAND_OFF = "org.postern.queue.HandOffToOutbound";
    static final String RESOLVE_NEXT_HOP = "org.postern.routing.ResolveNextHop";
    private static final String MAILETS = "org.apache.james.transport.mailets.";
    private static final String MATCHERS = "org.apache.james.transport.matchers.";

    /** What James's mailet container reads: element path to the attributes and child elements allowed there. */
    private static final Map<String, Set<String>> ATTRIBUTES = Map.of(
        "mailetcontainer", Set.of("enableJmx"),
        "processor", Set.of("state", "enableJmx"),
        "mailet", Set.of("match", "notmatch", "class"),
        "matcher", Set.of("name", "match", "notmatch"));
    private static final Map<String, Set<String>> CHILDREN = Map.of(
        "mailetcontainer", Set.of("context", "spooler", "processors"),
        "context", Set.of("postmaster"),
        "spooler", Set.of("threads", "errorRepository"),
        "processors", Set.of("processor"),
        "processor", Set.of("mailet", "matcher"),
        "matcher", Set.of("matcher"));
    /** States a mailet may send mail to that are not processors. */
    private static final Set<String> NOT_PROCESSORS = Set.of("ghost", "propagate", "ignore");
    private static final Set<String> MATCH_EXCEPTION_KEYWORDS = Set.of("nomatch", "matchall", "propagate", "ignore");
    /** Processors a mailet goes to by default, when the parameter is left out (Postern's own mailets). */
    private static final Map<String, Map<String, String>> DEFAULT_REFERENCES = Map.of(
        "org.postern.routing.RetryLater", Map.of("expiredProcessor", "bounces"));
    /** Mailets that take every mail they see out of its processor (unless {@code passThrough} is true). */
    private static final Set<String> TERMINAL = Set.of(MAILETS + "ToProcessor", MAILETS + "Null", MAILETS + "ToRepository",
        MAILETS + "RemoteDelivery", HAND_OFF);

    private final Path file;
    private final String outboundQueue;
    private final ClassLoader classes;
    private final List<Finding> findings = new ArrayList<>();
    private final Map<String, Processor> processors = new LinkedHashMap<>();
    private Set<String> reachable = Set.of();

    private record Processor(String state, LocatedXml element, List<MailetUse> mailets) {
    }

    /** One {@code <mailet>}: its resolved class (empty when it does not resolve) and the processors it names. */
    private record MailetUse(LocatedXml element, Optional<String> className, boolean matchesAll, Map<String, String> references) {
        String describe() {
            return "<mailet" + element.attribute("match").map(match -> " match=\"" + match + "\"").orElse("")
                + element.attribute("notmatch").map(match -> " notmatch=\"" + match + "\"").orElse("")
                + " class=\"" + element.attribute("class").orElse("") + "\">";
        }

        boolean is(String name) {
            return className.filter(name::equals).isPresent();
        }

        boolean takesEverything() {
            return matchesAll && className.filter(TERMINAL::contains).isPresent()
                && !"true".equalsIgnoreCase(parameter("passThrough").orElse("false"));
        }

        Optional<String> parameter(String name) {
            return element.childText(name);
        }
    }

    private PipelineCheck(Path file, String outboundQueue, ClassLoader classes) {
        this.file = file;
        this.outboundQueue = outboundQueue;
        this.classes = classes;
    }

    /**
     * Every finding in {@code conf}'s mailetcontainer.xml; {@code outboundQueue}: the queue delivery.xml's routes read
     * (null when delivery.xml could not be read: the hand-off's queue is then not compared).
     */
    public static List<Finding> check(Path conf, String outboundQueue) {
        PipelineCheck check = new PipelineCheck(conf.resolve(FILE), outboundQueue, PipelineCheck.class.getClassLoader());
        check.run(LocatedXml.parse(conf.resolve(FILE)));
        return List.copyOf(check.findings);
    }

    /**
     * Where a mailet (by its class attribute) or a matcher (by its name) of a failed start-up is:
     * {@code …/mailetcontainer.xml:103: <mailet class="X">}, with the other lines when it is used more than once.
     */
    public static Optional<String> locate(Path conf, String kind, String name) {
        LocatedXml root;
        try {
            root = LocatedXml.parse(conf.resolve(FILE));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        List<Integer> lines = new ArrayList<>();
        for (LocatedXml processors : root.children("processors")) {
            for (LocatedXml processor : processors.children("processor")) {
                for (LocatedXml mailet : processor.children("mailet")) {
                    boolean named = kind.equals("mailet")
                        ? mailet.attribute("class").map(String::trim).filter(name::equals).isPresent()
                        : mailet.attribute("match").or(() -> mailet.attribute("notmatch"))
                            .map(match -> match.split("=", 2)[0].trim()).filter(name::equals).isPresent();
                    if (named) {
                        lines.add(mailet.line());
                    }
                }
            }
        }
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        String others = lines.size() == 1 ? "" : " (also used on line" + (lines.size() > 2 ? "s " : " ")
            + String.join(", ", lines.subList(1, lines.size()).stream().map(String::valueOf).toList()) + ")";
        return Optional.of(conf.resolve(FILE) + ":" + lines.get(0) + ": <mailet " + (kind.equals("mailet") ? "class" : "match")
            + "=\"" + name + "\">" + others);
    }

    private void run(LocatedXml root) {
        if (!root.name().equals("mailetcontainer")) {
            error(root, "<" + root.name() + ">", "the root element must be <mailetcontainer>");
            return;
        }
        structure(root, "mailetcontainer");
        for (LocatedXml processors : root.children("processors")) {
            for (LocatedXml processor : processors.children("processor")) {
                read(processor);
            }
        }
        for (String required : List.of("root", "error")) {
            if (!processors.containsKey(required)) {
                error(root, "<processors>", "no processor \"" + required + "\": James needs one (add <processor state=\""
                    + required + "\">)");
            }
        }
        references();
        reachability();
        localDelivery();
        relay();
        endings();
    }

    /** Elements and attributes James reads, down to the mailets (whose parameters the mailets check themselves). */
    private void structure(LocatedXml element, String path) {
        Set<String> attributes = ATTRIBUTES.getOrDefault(element.name(), Set.of());
        for (String attribute : element.attributes().keySet()) {
            if (!attributes.contains(attribute)) {
                error(element, "<" + element.name() + " " + attribute + "=…>", "unknown attribute; known: "
                    + (attributes.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(attributes))));
            }
        }
        if (element.name().equals("mailet")) {
            return;
        }
        Set<String> children = CHILDREN.getOrDefault(element.name(), Set.of());
        for (LocatedXml child : element.children()) {
            if (!children.contains(child.name())) {
                error(child, "<" + child.name() + "> in <" + element.name() + ">", "unknown element; known there: "
                    + (children.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(children))));
            } else {
                structure(child, path + "/" + child.name());
            }
        }
    }

    private void read(LocatedXml element) {
        Optional<String> state = element.attribute("state").map(String::trim).filter(name -> !name.isEmpty());
        if (state.isEmpty()) {
            error(element, "<processor>", "no state attribute: name it, <processor state=\"…\">");
            return;
        }
        if (processors.containsKey(state.get())) {
            error(element, "<processor state=\"" + state.get() + "\">", "a second processor of this name (the first is on line "
                + processors.get(state.get()).element().line() + "); rename or merge them");
            return;
        }
        Set<String> composites = new HashSet<>();
        for (LocatedXml matcher : element.children("matcher")) {
            matcher.attribute("name").ifPresent(composites::add);
            compositeMatcher(matcher, composites);
        }
        List<MailetUse> mailets = new ArrayList<>();
        for (LocatedXml mailet : element.children("mailet")) {
            mailets.add(mailet(mailet, composites));
        }
        processors.put(state.get(), new Processor(state.get(), element, mailets));
    }

    private void compositeMatcher(LocatedXml matcher, Set<String> composites) {
        matcherExpression(matcher, composites);
        for (LocatedXml child : matcher.children("matcher")) {
            compositeMatcher(child, composites);
        }
    }

    private MailetUse mailet(LocatedXml element, Set<String> composites) {
        String name = element.attribute("class").map(String::trim).orElse("");
        Optional<String> className = Optional.empty();
        if (name.isEmpty()) {
            error(element, "<mailet>", "no class attribute: name the mailet, e.g. class=\"ToProcessor\"");
        } else {
            Optional<Class<?>> resolved = resolve(name, MAILETS);
            if (resolved.isEmpty()) {
                error(element, "<mailet class=\"" + name + "\">", "no such mailet class (looked for " + name + " and " + MAILETS + name
                    + "): check the spelling, or give the full class name of a mailet on the class path");
            } else if (!Mailet.class.isAssignableFrom(resolved.get())) {
                error(element, "<mailet class=\"" + name + "\">", resolved.get().getName() + " is not a mailet");
            } else {
                className = Optional.of(resolved.get().getName());
            }
        }
        String matcher = matcherExpression(element, composites);
        Map<String, String> references = new LinkedHashMap<>();
        className.map(DEFAULT_REFERENCES::get).ifPresent(references::putAll);
        for (LocatedXml parameter : element.children()) {
            String parameterName = parameter.name();
            if (parameterName.equals("processor") || parameterName.endsWith("Processor") || parameterName.equals("onMailetException")
                || parameterName.equals("onMatchException")) {
                references.put(parameterName, parameter.text().trim());
            }
        }
        boolean all = element.attribute("notmatch").isEmpty() && (matcher == null || matcher.equals("All"));
        return new MailetUse(element, className, all, references);
    }

    /** Checks the {@code match} or {@code notmatch} of an element; returns the matcher's name (null when none). */
    private String matcherExpression(LocatedXml element, Set<String> composites) {
        Optional<String> match = element.attribute("match");
        Optional<String> notMatch = element.attribute("notmatch");
        if (match.isPresent() && notMatch.isPresent()) {
            error(element, "<" + element.name() + ">", "both match and notmatch: keep one");
            return null;
        }
        Optional<String> expression = match.or(() -> notMatch).map(String::trim);
        if (expression.isEmpty()) {
            return null;
        }
        String name = expression.get().split("=", 2)[0].trim();
        if (composites.contains(name)) {
            return name;
        }
        Optional<Class<?>> resolved = resolve(name, MATCHERS);
        String attribute = match.isPresent() ? "match" : "notmatch";
        if (resolved.isEmpty()) {
            error(element, "<" + element.name() + " " + attribute + "=\"" + expression.get() + "\">", "no such matcher class (looked for "
                + name + " and " + MATCHERS + name + ", and no <matcher name=\"" + name + "\"> in this processor): check the spelling");
        } else if (!Matcher.class.isAssignableFrom(resolved.get())) {
            error(element, "<" + element.name() + " " + attribute + "=\"" + expression.get() + "\">", resolved.get().getName() + " is not a matcher");
        }
        return name;
    }

    private Optional<Class<?>> resolve(String name, String standardPackage) {
        for (String candidate : List.of(name, standardPackage + name)) {
            try {
                return Optional.of(Class.forName(candidate, false, classes));
            } catch (ClassNotFoundException | LinkageError e) {
                // the next candidate
            }
        }
        return Optional.empty();
    }

    private void references() {
        for (Processor processor : processors.values()) {
            for (MailetUse mailet : processor.mailets()) {
                mailet.references().forEach((parameter, target) -> {
                    if (isProcessorName(parameter, target) && !processors.containsKey(target)) {
                        error(mailet.element(), mailet.describe() + " in processor \"" + processor.state() + "\"",
                            "<" + parameter + "> names processor \"" + target + "\", which does not exist"
                                + suggestion(target) + " (processors: " + String.join(", ", processors.keySet()) + ")");
                    }
                });
            }
        }
    }

    private static boolean isProcessorName(String parameter, String target) {
        String value = target.toLowerCase(Locale.ROOT);
        if (parameter.equals("onMatchException")) {
            return !MATCH_EXCEPTION_KEYWORDS.contains(value);
        }
        return !target.isEmpty() && !NOT_PROCESSORS.contains(value);
    }

    /** Processors only reachable from root through the pipeline's references (error: always, it takes mailet failures). */
    private void reachability() {
        Set<String> reached = new HashSet<>();
        Deque<String> next = new ArrayDeque<>(List.of("root", "error"));
        while (!next.isEmpty()) {
            String state = next.pop();
            Processor processor = processors.get(state);
            if (processor == null || !reached.add(state)) {
                continue;
            }
            for (MailetUse mailet : processor.mailets()) {
                mailet.references().forEach((parameter, target) -> {
                    if (isProcessorName(parameter, target)) {
                        next.push(target);
                    }
                });
            }
        }
        for (Processor processor : processors.values()) {
            if (!reached.contains(processor.state())) {
                warning(processor.element(), "<processor state=\"" + processor.state() + "\">", "nothing sends mail here (no "
                    + "ToProcessor, onMailetException, … of a processor reached from root names it): send mail to it, or remove it");
            }
        }
        reachable = reached;
    }

    private void localDelivery() {
        boolean once = false;
        boolean stock = false;
        for (Processor processor : processors.values()) {
            for (MailetUse mailet : processor.mailets()) {
                stock |= mailet.is(LOCAL_DELIVERY);
                if (mailet.is(LOCAL_DELIVERY)) {
                    error(mailet.element(), mailet.describe() + " in processor \"" + processor.state() + "\"", "James's LocalDelivery "
                        + "stores a mail again when the spool replays it after a crash (a double delivery): use class=\""
                        + LOCAL_DELIVERY_ONCE + "\"");
                }
                once |= mailet.is(LOCAL_DELIVERY_ONCE) && reachable.contains(processor.state());
            }
        }
        if (!once && !stock && processors.containsKey("root")) {
            warning(processors.get("root").element(), "<processors>", "no reachable processor stores local mail with "
                + LOCAL_DELIVERY_ONCE + ": mail for local users is never put in a mailbox; add <mailet match=\"RecipientIsLocal\" class=\""
                + LOCAL_DELIVERY_ONCE + "\"/>");
        }
    }

    private void relay() {
        for (Processor processor : processors.values()) {
            List<MailetUse> mailets = processor.mailets();
            for (MailetUse mailet : mailets) {
                if (mailet.is(HAND_OFF)) {
                    // without a <queue> of its own the hand-off writes to delivery.xml's
                    String queue = mailet.parameter("queue").map(String::trim).orElse(outboundQueue);
                    if (outboundQueue != null && !queue.equals(outboundQueue)) {
                        error(mailet.element(), mailet.describe() + " in processor \"" + processor.state() + "\"", "<queue> = '" + queue
                            + "', but the delivery routes read '" + outboundQueue + "' (delivery.xml <queue>): its mail would never "
                            + "be delivered; make them the same");
                    }
                }
            }
            boolean relays = processor.state().equals("relay") || mailets.stream().anyMatch(mailet -> mailet.is(RESOLVE_NEXT_HOP));
            if (!relays) {
                continue;
            }
            MailetUse last = mailets.isEmpty() ? null : mailets.get(mailets.size() - 1);
            if (last == null || !last.is(HAND_OFF) || !last.matchesAll()) {
                error(last == null ? processor.element() : last.element(), "<processor state=\"" + processor.state() + "\">",
                    "a relay processor must end with <mailet match=\"All\" class=\"" + HAND_OFF + "\"/>: routed mail that reaches "
                        + "its end is deleted by James instead of being delivered");
            }
        }
    }

    /** Mailets after one that takes every mail never run; mail that falls off a processor's end is deleted. */
    private void endings() {
        for (Processor processor : processors.values()) {
            List<MailetUse> mailets = processor.mailets();
            for (int i = 0; i < mailets.size() - 1; i++) {
                if (mailets.get(i).takesEverything()) {
                    MailetUse dead = mailets.get(i + 1);
                    warning(dead.element(), dead.describe() + " in processor \"" + processor.state() + "\"", "never runs: "
                        + mailets.get(i).describe() + " on line " + mailets.get(i).element().line() + " takes every mail before it");
                    break;
                }
            }
            if (mailets.isEmpty() || !mailets.get(mailets.size() - 1).takesEverything()) {
                LocatedXml where = mailets.isEmpty() ? processor.element() : mailets.get(mailets.size() - 1).element();
                warning(where, "<processor state=\"" + processor.state() + "\">", "its last mailet does not take every mail, and James "
                    + "deletes mail that reaches the end of a processor: end it with <mailet match=\"All\" class=\"…\"/> of ToProcessor, "
                    + "ToRepository, Null or HandOffToOutbound");
            }
        }
    }

    /** " (did you mean "relay-domain"?)" for a name one or two edits away from a processor's. */
    private String suggestion(String name) {
        return processors.keySet().stream().filter(candidate -> distance(candidate, name) <= 2).findFirst()
            .map(candidate -> "; did you mean \"" + candidate + "\"?").orElse("");
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private void error(LocatedXml element, String what, String problem) {
        findings.add(Finding.error(file + ":" + element.line() + ": " + what + ": " + problem));
    }

    private void warning(LocatedXml element, String what, String problem) {
        findings.add(Finding.warning(file + ":" + element.line() + ": " + what + ": " + problem));
    }
}
