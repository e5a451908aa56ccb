package org.postern.acceptance;

/**
 * A {@link Verdict} and the rule of {@link RecipientAcceptance} that gave it, in words, for
 * {@code bin/postern explain}. The accepting rules are constants, so the RCPT path allocates nothing for them.
 */
public record Decision(Verdict verdict, String rule) {
    static final Decision POSTMASTER = accept("postmaster@ a local or relay domain is always accepted (RFC 5321 4.5.1)");
    static final Decision LOCAL_USER = accept("local domain: a user of this server");
    static final Decision LOCAL_REWRITE = accept("local domain: an alias, forward or group of the recipient rewrite table");
    static final Decision LOCAL_ERROR_MAPPING = accept("local domain: an error mapping of the recipient rewrite table "
        + "(accepted at RCPT, returned to the sender by the rrt-error processor)");
    static final Decision RELAY_ACCEPT_ALL = accept("relay domain (relaydomains.xml), verify=accept-all");
    static final Decision RELAY_LISTED = accept("relay domain, verify=list: in the recipient list");
    static final Decision CALLOUT_EXISTS = accept("relay domain, verify=callout: the next hop accepts the recipient");
    static final Decision RELAY_AUTHORIZED = accept("other domain: relayed for an authenticated client or a trusted network");
    static final Decision RELAY_DENIED = new Decision(Verdict.RELAY_DENIED,
        "other domain: relayed only for authenticated clients and trusted networks (<authorizedAddresses>)");

    private static Decision accept(String rule) {
        return new Decision(Verdict.ACCEPT, rule);
    }
}
