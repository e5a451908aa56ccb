package org.postern.delivery;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.postern.routing.NextHop;
import org.postern.smtp.client.TlsLevel;

/**
 * {@code delivery.xml}'s {@code <tls>}: the default {@link TlsLevel}, a level per next hop (with the names
 * {@code verify} and {@code secure} accept, {@code match}), the certificate authorities the verified levels trust
 * ({@code caFile}, PEM; default the JVM's), whether MTA-STS (RFC 8461) is honoured, and the DNSSEC trust anchors
 * DANE validates with ({@code daneTrustAnchors}, DS or DNSKEY records in zone-file form; default the root KSKs).
 *
 * <pre>{@code
 * <tls level="may" caFile="ca.pem" mtaSts="true">
 *     <nexthop name="smtp:[10.0.0.5]:25" level="encrypt"/>
 *     <nexthop name="mx:bank.example" level="secure" match="bank.example:.bank.example"/>
 * </tls>
 * }</pre>
 *
 * <p>Before levels there were policies: {@code policy="none"} and {@code policy="may"} keep working;
 * {@code policy="encrypt"}, which used to verify the certificate and the MX host name, stops start-up saying to
 * write {@code level="verify"} (the same check) or {@code level="encrypt"} (TLS, any certificate).</p>
 */
public record TlsSettings(TlsLevel level, Map<NextHop, NextHopTls> byNextHop, Optional<String> caFile, boolean mtaSts,
                          Optional<String> daneTrustAnchors) {
    public static final TlsSettings DEFAULT = new TlsSettings(TlsLevel.MAY, Map.of(), Optional.empty(), true, Optional.empty());

    /** One next hop's level, and the certificate names it accepts (empty: the level's own). */
    public record NextHopTls(TlsLevel level, List<String> match) {
        public NextHopTls {
            match = List.copyOf(match);
        }
    }

    public TlsSettings {
        byNextHop = Map.copyOf(byNextHop);
    }

    /** Only levels, as the tests and simple set-ups give them. */
    public static TlsSettings of(TlsLevel level, Map<String, TlsLevel> byNextHop) {
        Map<NextHop, NextHopTls> levels = new HashMap<>();
        byNextHop.forEach((nextHop, nextHopLevel) -> levels.put(NextHop.parse(nextHop), new NextHopTls(nextHopLevel, List.of())));
        return new TlsSettings(level, levels, Optional.empty(), true, Optional.empty());
    }

    static TlsSettings from(HierarchicalConfiguration<ImmutableNode> xml) throws ConfigurationException {
        if (!xml.containsKey("tls[@level]") && !xml.containsKey("tls[@policy]") && xml.configurationsAt("tls").isEmpty()) {
            return DEFAULT;
        }
        HierarchicalConfiguration<ImmutableNode> tls = xml.configurationAt("tls");
        TlsLevel level = level(tls, "tls", DEFAULT.level());
        Map<NextHop, NextHopTls> byNextHop = new HashMap<>();
        for (HierarchicalConfiguration<ImmutableNode> nextHop : tls.configurationsAt("nexthop")) {
            String name = nextHop.getString("[@name]", "").trim();
            NextHop named = recorded(name);
            TlsLevel nextHopLevel = level(nextHop, "tls/nexthop", null);
            if (nextHopLevel == null) {
                throw DeliverySettings.invalid("tls/nexthop@level", "", TlsLevel.NAMES);
            }
            byNextHop.put(named, new NextHopTls(nextHopLevel, match(nextHop, nextHopLevel)));
        }
        String mtaSts = tls.getString("[@mtaSts]", "true").trim();
        if (!mtaSts.equals("true") && !mtaSts.equals("false")) {
            throw DeliverySettings.invalid("tls@mtaSts", mtaSts, "true or false");
        }
        return new TlsSettings(level, byNextHop, file(tls, "caFile"), mtaSts.equals("true"), file(tls, "daneTrustAnchors"));
    }

    /** A {@code <nexthop name>}: a next hop as routing records it (mx:domain, not the table's mx). */
    private static NextHop recorded(String name) throws ConfigurationException {
        String expected = "a next hop as recorded by ResolveNextHop, e.g. smtp:[10.0.0.5]:25 or mx:example.com";
        NextHop nextHop;
        try {
            nextHop = NextHop.parse(name);
        } catch (IllegalArgumentException e) {
            throw DeliverySettings.invalid("tls/nexthop@name", name, expected);
        }
        if (nextHop instanceof NextHop.Mx || nextHop instanceof NextHop.Error) {
            throw DeliverySettings.invalid("tls/nexthop@name", name, expected);
        }
        return nextHop;
    }

    private static TlsLevel level(HierarchicalConfiguration<ImmutableNode> element, String name, TlsLevel fallback)
            throws ConfigurationException {
        String level = element.getString("[@level]", null);
        String policy = element.getString("[@policy]", null);
        if (level != null && policy != null) {
            throw DeliverySettings.invalid(name + "@policy", policy, "left out: policy is the old name of level; keep level only");
        }
        if (policy != null) {
            String old = policy.trim().toLowerCase(java.util.Locale.ROOT);
            if (old.equals("none") || old.equals("may")) {
                return TlsLevel.parse(old);
            }
            if (old.equals("encrypt")) {
                throw DeliverySettings.invalid(name + "@policy", policy, "replaced: policy=\"encrypt\" verified the certificate and the MX "
                    + "host name; write level=\"verify\" for that check, or level=\"encrypt\" for TLS with any certificate");
            }
            throw DeliverySettings.invalid(name + "@policy", policy, "replaced by level=\"…\", one of " + TlsLevel.NAMES);
        }
        if (level == null) {
            return fallback;
        }
        try {
            return TlsLevel.parse(level);
        } catch (IllegalArgumentException e) {
            throw DeliverySettings.invalid(name + "@level", level, TlsLevel.NAMES);
        }
    }

    private static List<String> match(HierarchicalConfiguration<ImmutableNode> nextHop, TlsLevel level) throws ConfigurationException {
        String match = nextHop.getString("[@match]", null);
        if (match == null) {
            return List.of();
        }
        if (level != TlsLevel.VERIFY && level != TlsLevel.SECURE) {
            throw DeliverySettings.invalid("tls/nexthop@match", match, "left out: match applies to level verify or secure only");
        }
        List<String> names = List.of(match.trim().split("[:\\s,]+"));
        if (names.stream().anyMatch(name -> !name.matches("\\.?[A-Za-z0-9*][A-Za-z0-9.*-]*"))) {
            throw DeliverySettings.invalid("tls/nexthop@match", match, "host names (a leading dot: any subdomain), separated by ':' or spaces");
        }
        return names;
    }

    private static Optional<String> file(HierarchicalConfiguration<ImmutableNode> tls, String attribute) throws ConfigurationException {
        String value = tls.getString("[@" + attribute + "]", null);
        if (value != null && value.isBlank()) {
            throw DeliverySettings.invalid("tls@" + attribute, value, "a file name (absolute, or relative to the conf directory)");
        }
        return Optional.ofNullable(value).map(String::trim);
    }
}
