package org.postern.acceptance;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.core.Domain;
import org.postern.config.Durations;
import org.postern.config.KnownElements;

/**
 * The domains Postern is the inbound gateway for (Postfix's relay_domains), from {@code relaydomains.xml}, each
 * with its way of verifying recipients:
 *
 * <pre>{@code
 * <relaydomains>
 *     <recipientList>file://conf/relay-recipients.txt</recipientList>
 *     <callout>
 *         <positiveTtl>1h</positiveTtl>
 *         <negativeTtl>10m</negativeTtl>
 *         <timeout>30s</timeout>
 *     </callout>
 *     <domain name="partner.example" verify="list"/>
 *     <domain name="branch.example" verify="callout"/>
 *     <domain name="legacy.example" verify="accept-all"/>
 * </relaydomains>
 * }</pre>
 *
 * A missing file means no relay domains. Every error names the file, the element and the value. A callout's EHLO
 * name is the server's {@link org.postern.config.HostName} (an earlier {@code <callout><heloName>} is checked there).
 */
public record RelayDomains(Map<Domain, Verification> domains, Optional<String> recipientList, CalloutSettings callout) {
    public static final String FILE = "relaydomains.xml";
    public static final String DEFAULT_RECIPIENT_LIST = "file://conf/relay-recipients.txt";

    public RelayDomains {
        domains = Map.copyOf(domains);
    }

    public Optional<Verification> verificationOf(Domain domain) {
        return Optional.ofNullable(domains.get(domain));
    }

    private static final KnownElements ELEMENTS = new KnownElements(FILE, Set.of("recipientList", "callout/positiveTtl",
        "callout/negativeTtl", "callout/timeout", "callout/heloName", "domain@name", "domain@verify"));

    public static RelayDomains from(HierarchicalConfiguration<ImmutableNode> conf) throws ConfigurationException {
        java.util.Optional<String> unknown = ELEMENTS.unknownIn(conf);
        if (unknown.isPresent()) {
            throw new ConfigurationException(unknown.get());
        }
        Map<Domain, Verification> domains = new HashMap<>();
        List<HierarchicalConfiguration<ImmutableNode>> entries = conf.configurationsAt("domain");
        for (HierarchicalConfiguration<ImmutableNode> entry : entries) {
            Domain domain = domain(entry.getString("[@name]", ""));
            String keyword = entry.getString("[@verify]", Verification.CALLOUT.keyword());
            Verification verification = Verification.of(keyword).orElseThrow(() -> invalid(
                "<domain name=\"" + domain.asString() + "\"> verify", keyword, "must be list, callout or accept-all"));
            if (domains.put(domain, verification) != null) {
                throw invalid("<domain> name", domain.asString(), "listed twice");
            }
        }
        Optional<String> list = Optional.ofNullable(conf.getString("recipientList", null)).map(String::trim);
        if (list.isEmpty() && domains.containsValue(Verification.LIST)) {
            list = Optional.of(DEFAULT_RECIPIENT_LIST);
        }
        return new RelayDomains(domains, list, callout(conf));
    }

    private static CalloutSettings callout(HierarchicalConfiguration<ImmutableNode> conf) throws ConfigurationException {
        return new CalloutSettings(
            duration(conf, "callout.positiveTtl", CalloutSettings.DEFAULT_POSITIVE_TTL),
            duration(conf, "callout.negativeTtl", CalloutSettings.DEFAULT_NEGATIVE_TTL),
            duration(conf, "callout.timeout", CalloutSettings.DEFAULT_TIMEOUT));
    }

    private static Duration duration(HierarchicalConfiguration<ImmutableNode> conf, String key, Duration fallback) throws ConfigurationException {
        String value = conf.getString(key, null);
        if (value == null) {
            return fallback;
        }
        return Durations.parse(value).orElseThrow(() -> invalid("<" + key.replace(".", "><") + ">", value,
            "must be a duration such as 30s, 10m or 1h"));
    }

    private static Domain domain(String name) throws ConfigurationException {
        String trimmed = name.trim();
        if (!trimmed.matches("(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
            throw invalid("<domain> name", name, "must be a domain name such as partner.example");
        }
        return Domain.of(trimmed);
    }


    private static ConfigurationException invalid(String element, String value, String rule) {
        return new ConfigurationException(FILE + ": " + element + " = '" + value + "': " + rule);
    }
}
