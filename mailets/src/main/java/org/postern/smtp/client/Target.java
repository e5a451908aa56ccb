package org.postern.smtp.client;

import java.net.InetAddress;

/** One address of one host of a next hop, as tried in order: {@code mx1.example.com[192.0.2.1]:25}. */
public record Target(String host, InetAddress address, int port) {
    public String key() {
        return address.getHostAddress() + ":" + port;
    }

    @Override
    public String toString() {
        return host + "[" + address.getHostAddress() + "]:" + port;
    }
}
