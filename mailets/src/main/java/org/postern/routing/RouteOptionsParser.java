package org.postern.routing;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.postern.smtp.client.Credentials;
import org.postern.smtp.client.SourceAddress;
import org.postern.smtp.client.TlsLevel;

/**
 * Reads a route's {@link RouteOptions} from its {@code transport.xml} attributes, once, at load: every mistake is
 * an {@link IllegalArgumentException} that says what to write instead. Credentials are only ever sent over TLS, so
 * a route with {@code user} needs a level that never falls back to plaintext ({@code encrypt} when none is given).
 * The old {@code tls="required"} stops the load with the replacement to write.
 */
final class RouteOptionsParser {
    private RouteOptionsParser() {
    }

    static RouteOptions parse(NextHop nextHop, Function<String, String> attribute, Path folder) {
        String user = attribute.apply("user");
        String password = attribute.apply("password");
        String passwordFile = attribute.apply("passwordFile");
        String tls = attribute.apply("tls");
        String tlsMatch = attribute.apply("tlsMatch");
        String source = attribute.apply("sourceAddress");
        if (user == null && password == null && passwordFile == null && tls == null && tlsMatch == null && source == null) {
            return RouteOptions.NONE;
        }
        if (!(nextHop instanceof NextHop.Mx || nextHop instanceof NextHop.Relay || nextHop instanceof NextHop.Lmtp)) {
            throw new IllegalArgumentException("user, password, passwordFile, tls, tlsMatch and sourceAddress apply to mx, smtp: and lmtp: routes only");
        }
        Optional<TlsLevel> level = Optional.ofNullable(tls).map(RouteOptionsParser::level);
        Optional<Credentials> credentials = credentials(user, password, passwordFile, folder);
        if (credentials.isPresent()) {
            if (level.isPresent() && !level.get().mandatory()) {
                throw new IllegalArgumentException("tls=\"" + tls + "\": credentials are only sent over TLS, so a route with a user "
                    + "needs tls=\"encrypt\", \"verify\" or \"secure\"");
            }
            level = level.or(() -> Optional.of(TlsLevel.ENCRYPT));
        }
        List<String> match = List.of();
        if (tlsMatch != null) {
            if (level.isEmpty() || (level.get() != TlsLevel.VERIFY && level.get() != TlsLevel.SECURE)) {
                throw new IllegalArgumentException("tlsMatch=\"" + tlsMatch + "\" applies to tls=\"verify\" or tls=\"secure\" only");
            }
            match = Arrays.stream(tlsMatch.trim().split("[:\\s,]+")).filter(name -> !name.isEmpty()).toList();
            if (match.isEmpty() || match.stream().anyMatch(name -> !name.matches("\\.?[A-Za-z0-9*][A-Za-z0-9.*-]*"))) {
                throw new IllegalArgumentException("tlsMatch=\"" + tlsMatch + "\": must be host names (a leading dot: any subdomain), "
                    + "separated by ':' or spaces");
            }
        }
        return new RouteOptions(level, match, credentials, Optional.ofNullable(source).map(RouteOptionsParser::sourceAddress));
    }

    private static TlsLevel level(String tls) {
        if (tls.trim().equalsIgnoreCase("required")) {
            throw new IllegalArgumentException("tls=\"required\" is no longer accepted: write tls=\"encrypt\" (TLS required, any "
                + "certificate) or tls=\"secure\" (TLS required, certificate verified against the next-hop name)");
        }
        try {
            return TlsLevel.parse(tls);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tls=\"" + tls + "\": must be " + TlsLevel.NAMES);
        }
    }

    private static Optional<Credentials> credentials(String user, String password, String passwordFile, Path folder) {
        if (user == null && password == null && passwordFile == null) {
            return Optional.empty();
        }
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("password and passwordFile need a user");
        }
        if ((password == null) == (passwordFile == null)) {
            throw new IllegalArgumentException("user=\"" + user + "\" needs either password or passwordFile (one of them)");
        }
        if (password != null) {
            return Optional.of(new Credentials(user, password));
        }
        Path file = folder.resolve(passwordFile);
        String secret;
        try {
            secret = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("");
        } catch (IOException e) {
            throw new IllegalArgumentException("passwordFile=\"" + passwordFile + "\": cannot read " + file + ": " + e);
        }
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("passwordFile=\"" + passwordFile + "\": " + file + " is empty; its first line is the password");
        }
        return Optional.of(new Credentials(user, secret));
    }

    private static InetAddress sourceAddress(String text) {
        try {
            return SourceAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sourceAddress=\"" + text + "\": must be " + e.getMessage());
        }
    }
}
