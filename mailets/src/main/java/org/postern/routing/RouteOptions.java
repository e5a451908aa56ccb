package org.postern.routing;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import org.postern.smtp.client.Credentials;
import org.postern.smtp.client.TlsLevel;

/**
 * How a {@code transport.xml} route's hosts are reached, beyond where: its TLS level ({@code tls}, with the names
 * {@code secure} and {@code verify} accept, {@code tlsMatch}), smarthost credentials ({@code user} with
 * {@code password} or {@code passwordFile}) and the local address to connect from ({@code sourceAddress}). What a
 * route leaves out, {@code delivery.xml} decides.
 */
public record RouteOptions(Optional<TlsLevel> tls, List<String> tlsMatch, Optional<Credentials> credentials,
                           Optional<InetAddress> sourceAddress) {
    public static final RouteOptions NONE = new RouteOptions(Optional.empty(), List.of(), Optional.empty(), Optional.empty());

    public RouteOptions {
        tlsMatch = List.copyOf(tlsMatch);
    }
}
