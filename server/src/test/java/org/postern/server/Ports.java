package org.postern.server;

import java.io.IOException;

/** The loopback ports one test server listens on. */
record Ports(int smtp, int submission, int smtps, int pop3, int pop3s, int webAdmin) {
    static final String HOST = "127.0.0.1";

    static Ports free() throws IOException {
        int[] p = FreePorts.take(6);
        return new Ports(p[0], p[1], p[2], p[3], p[4], p[5]);
    }

    Listeners listeners() {
        return Listeners.loopback(smtp, submission, smtps, pop3, pop3s, webAdmin);
    }
}
