package org.postern.acceptance;

import java.util.Arrays;
import java.util.Optional;

/** How Postern learns whether a relay domain's recipient exists, chosen per domain in relaydomains.xml. */
public enum Verification {
    /** The recipient list file (exact addresses and @domain entries). */
    LIST("list"),
    /** Ask the domain's next hop: EHLO, MAIL FROM:&lt;&gt;, RCPT TO, RSET, QUIT; answers are cached. */
    CALLOUT("callout"),
    /** Every recipient is accepted; the downstream server decides (it may cause bounces). */
    ACCEPT_ALL("accept-all");

    private final String keyword;

    Verification(String keyword) {
        this.keyword = keyword;
    }

    public String keyword() {
        return keyword;
    }

    public static Optional<Verification> of(String keyword) {
        return Arrays.stream(values()).filter(v -> v.keyword.equals(keyword)).findFirst();
    }
}
