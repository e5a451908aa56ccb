package org.postern.camel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RoutesDefinition;
import org.apache.camel.xml.in.ModelParser;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admin routes: every {@code *.xml} file of the conf directory's {@code routes/} folder, in name order, is a Camel
 * XML {@code <routes>} (or single {@code <route>}) file loaded into the delivery CamelContext once the delivery
 * routes have started. Other files there ({@code README.txt}, {@code *.xml.example}) are ignored.
 *
 * <p>Admin routes add to delivery, never replace it: a route that reads the spool or the delivery queue, or whose id
 * is taken (by a delivery route or another file), is refused.
 * A file that does not parse, names an unknown component, or has an endpoint Camel cannot create stops start-up
 * with one {@link ConfigurationException} naming the file and the problem (the launcher exits with status 2).
 */
final class AdminRouteFiles {
    private static final Logger LOGGER = LoggerFactory.getLogger(AdminRouteFiles.class);
    static final String FOLDER = "routes";

    private final Path folder;
    private final Set<String> reservedQueues;

    /** {@code folder} may be null or missing (no admin routes); {@code reservedQueues}: the James queues admin routes must not read. */
    AdminRouteFiles(Path folder, Set<String> reservedQueues) {
        this.folder = folder;
        this.reservedQueues = reservedQueues;
    }

    List<Path> files() throws ConfigurationException {
        if (folder == null || !Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(file -> file.getFileName().toString().endsWith(".xml") && Files.isRegularFile(file))
                .sorted().toList();
        } catch (IOException e) {
            throw new ConfigurationException(FOLDER + "/: cannot be listed: " + e.getMessage());
        }
    }

    /**
     * Parses every file first (so that a typo in the last one stops start-up before any admin route runs), then adds
     * them; {@code start} false: added (their endpoints created, so a wrong one still fails) but not started.
     */
    void loadInto(ModelCamelContext camel, boolean start) throws ConfigurationException {
        List<Path> files = files();
        List<List<RouteDefinition>> parsed = new java.util.ArrayList<>();
        Set<String> ids = new java.util.HashSet<>();
        camel.getRoutes().forEach(route -> ids.add(route.getRouteId()));
        for (Path file : files) {
            List<RouteDefinition> routes = parse(file);
            for (RouteDefinition route : routes) {
                // Camel would replace a route of the same id: never the delivery route, nor another file's.
                if (route.getRouteId() != null && !ids.add(route.getRouteId())) {
                    throw problem(file, "route id '" + route.getRouteId() + "' is already taken (a delivery route or another file's)");
                }
            }
            parsed.add(routes);
        }
        for (int i = 0; i < files.size(); i++) {
            List<RouteDefinition> routes = parsed.get(i);
            if (!start) {
                routes.forEach(route -> route.setAutoStartup("false"));
            }
            try {
                camel.addRouteDefinitions(routes);
            } catch (Exception e) {
                LOGGER.error("{}: admin routes did not start", name(files.get(i)), e);
                throw problem(files.get(i), rootMessage(e));
            }
            LOGGER.info("admin routes {} from {}: {}", start ? "started" : "loaded (not started)", name(files.get(i)),
                routes.stream().map(RouteDefinition::getRouteId).toList());
        }
    }

    List<RouteDefinition> parse(Path file) throws ConfigurationException {
        Optional<RoutesDefinition> routes;
        try (InputStream in = Files.newInputStream(file)) {
            routes = new ModelParser(in, "http://camel.apache.org/schema/xml-io").parseRoutesDefinition();
        } catch (Exception e) {
            throw problem(file, rootMessage(e));
        }
        if (routes.isEmpty() || routes.get().getRoutes().isEmpty()) {
            throw problem(file, "no route: expected <routes> with <route> elements, or one <route>");
        }
        for (RouteDefinition route : routes.get().getRoutes()) {
            String from = route.getInput() == null ? null : route.getInput().getEndpointUri();
            if (from == null) {
                throw problem(file, "route " + routeName(route) + " has no <from>");
            }
            String queue = jamesQueue(from);
            if (queue != null && reservedQueues.contains(queue)) {
                throw problem(file, "route " + routeName(route) + " reads " + from
                    + ", which belongs to the spool or to delivery; give it a queue of its own (CopyToQueue)");
            }
        }
        return routes.get().getRoutes();
    }

    private static String jamesQueue(String uri) {
        String prefix = JamesQueueComponent.SCHEME + ":";
        if (!uri.startsWith(prefix)) {
            return null;
        }
        String rest = uri.substring(prefix.length());
        if (rest.startsWith("//")) {
            rest = rest.substring(2);
        }
        int options = rest.indexOf('?');
        return options < 0 ? rest : rest.substring(0, options);
    }

    private static String routeName(RouteDefinition route) {
        return route.getRouteId() == null ? "(without id)" : "'" + route.getRouteId() + "'";
    }

    private static String name(Path file) {
        return FOLDER + "/" + file.getFileName();
    }

    /** No cause attached: the launcher prints the deepest message of the chain, and this one names the file. */
    private static ConfigurationException problem(Path file, String problem) {
        return new ConfigurationException(name(file) + ": " + problem);
    }

    private static String rootMessage(Throwable error) {
        String message = error.getClass().getSimpleName();
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                message = cause.getMessage();
            }
        }
        return message.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
