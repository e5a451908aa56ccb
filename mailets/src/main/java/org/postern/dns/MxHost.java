package org.postern.dns;

import java.net.InetAddress;
import java.util.List;

/** One mail exchanger of a destination: its name, MX preference and the addresses found for it, IPv4 first. */
public record MxHost(String name, int preference, List<InetAddress> addresses) {
    public MxHost {
        addresses = List.copyOf(addresses);
    }
}
