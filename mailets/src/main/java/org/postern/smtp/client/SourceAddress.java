package org.postern.smtp.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Postfix's smtp_bind_address: the local address outgoing connections come from, checked once, at load. */
public final class SourceAddress {
    private SourceAddress() {
    }

    /** An IP address literal this host can bind to; else {@link IllegalArgumentException} saying what it must be. */
    public static InetAddress parse(String text) {
        String literal = text.trim();
        if (!literal.matches("[0-9A-Fa-f.:]+")) {
            throw new IllegalArgumentException("an IP address of this host");
        }
        try (Socket probe = new Socket()) {
            InetAddress address = InetAddress.getByName(literal);
            probe.bind(new InetSocketAddress(address, 0));
            return address;
        } catch (IOException e) {
            throw new IllegalArgumentException("an address of this host (binding to it failed: " + e.getMessage() + ")");
        }
    }
}
