package org.postern.server;

import java.util.Map;
import java.util.Optional;

/**
 * Where the network servers listen when the launcher overrides the conf files: dev mode and tests move every
 * listener to loopback and to other ports, keyed by the port the conf file names (25, 587, 465, 110, 995);
 * {@code bin/postern check}'s trial start puts every listener and webadmin on a free loopback port
 * ({@code anyFreePort}, port 0). Production runs with {@link #AS_CONFIGURED}.
 */
public record Listeners(Optional<String> host, Map<Integer, Integer> portMap, Optional<Integer> webAdminPort,
                        boolean authInClearOnLoopback, boolean anyFreePort) {
    public static final Listeners AS_CONFIGURED = new Listeners(Optional.empty(), Map.of(), Optional.empty(), false, false);

    public static Listeners dev() {
        return new Listeners(Optional.of("127.0.0.1"),
            Map.of(25, 2525, 587, 2587, 465, 2465, 110, 2110, 995, 2995), Optional.of(8000), true, false);
    }

    public static Listeners loopback(int smtp, int submission, int smtps, int pop3, int pop3s, int webAdmin) {
        return new Listeners(Optional.of("127.0.0.1"),
            Map.of(25, smtp, 587, submission, 465, smtps, 110, pop3, 995, pop3s), Optional.of(webAdmin), false, false);
    }

    /** Every listener and webadmin on loopback, each on a port the system picks: nothing else is disturbed. */
    public static Listeners trial() {
        return new Listeners(Optional.of("127.0.0.1"), Map.of(), Optional.of(0), false, true);
    }

    public boolean overridesAnything() {
        return host.isPresent() || !portMap.isEmpty() || webAdminPort.isPresent() || authInClearOnLoopback || anyFreePort;
    }

    /** "0.0.0.0:25" with the dev plan gives "127.0.0.1:2525". */
    String rebind(String bind) {
        int colon = bind.lastIndexOf(':');
        if (colon < 0) {
            return bind;
        }
        String configuredHost = bind.substring(0, colon).trim();
        int configuredPort = Integer.parseInt(bind.substring(colon + 1).trim());
        return host.orElse(configuredHost) + ":" + (anyFreePort ? 0 : portMap.getOrDefault(configuredPort, configuredPort));
    }
}
