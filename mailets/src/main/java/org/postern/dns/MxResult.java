package org.postern.dns;

import java.util.List;

/**
 * The outcome of resolving where mail for a domain goes (RFC 5321 section 5.1), with the status a delivery or an
 * RCPT check reports for it. Exactly one of four cases, as Postfix's and maddy's resolvers distinguish them.
 */
public sealed interface MxResult {
    /** Deliver to these hosts, in this order (lowest preference first, equal preferences shuffled). */
    record Hosts(List<MxHost> hosts, boolean implicit) implements MxResult {
        public Hosts {
            hosts = List.copyOf(hosts);
        }
    }

    /** NXDOMAIN, or a domain with neither MX nor address records: permanent, 5.1.2. */
    record NoSuchDomain(String domain) implements MxResult {
        public static final String STATUS = "5.1.2";
    }

    /** RFC 7505 null MX ("MX 0 ."): the domain accepts no mail; permanent, 5.1.10, no delivery attempt. */
    record NullMx(String domain) implements MxResult {
        public static final String STATUS = "5.1.10";
    }

    /** SERVFAIL, timeout, unreachable resolver: temporary, 4.4.3; retried, never bounced at once. */
    record TryAgain(String domain, String reason) implements MxResult {
        public static final String STATUS = "4.4.3";
    }
}
