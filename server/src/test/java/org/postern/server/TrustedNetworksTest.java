package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.util.List;
import java.util.StringTokenizer;
import java.util.ArrayList;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.io.FileHandler;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.library.netmatcher.NetMatcher;
import org.junit.jupiter.api.Test;

/**
 * The shipped trusted networks are this host only (127.0.0.1 and ::1) on every listener, read the way James reads
 * {@code <authorizedAddresses>}; other loopback addresses stay untrusted (the SMTP tests rely on 127.0.0.2 being an
 * outsider, and IPv6 listeners are not available on every test machine).
 */
class TrustedNetworksTest {
    @Test
    void everyListenerShouldTrustThisHostOnly() throws Exception {
        XMLConfiguration conf = new XMLConfiguration();
        new FileHandler(conf).load(InJvmPostern.SHIPPED_CONF.resolve("smtpserver.xml").toFile());
        List<HierarchicalConfiguration<ImmutableNode>> listeners = conf.configurationsAt("smtpserver");
        assertThat(listeners).hasSize(3);

        for (HierarchicalConfiguration<ImmutableNode> listener : listeners) {
            NetMatcher trusted = new NetMatcher(networks(listener.getString("authorizedAddresses")), plainDns());

            assertThat(trusted.matchInetNetwork(InetAddress.getByName("127.0.0.1"))).isTrue();
            assertThat(trusted.matchInetNetwork(InetAddress.getByName("::1"))).isTrue();
            assertThat(trusted.matchInetNetwork(InetAddress.getByName("127.0.0.2"))).isFalse();
            assertThat(trusted.matchInetNetwork(InetAddress.getByName("10.0.0.1"))).isFalse();
            assertThat(trusted.matchInetNetwork(InetAddress.getByName("2001:db8::1"))).isFalse();
            assertThat(trusted.matchInetNetwork(InetAddress.getByName("fe80::1"))).isFalse();
            // James 3.8.1's Inet6Network builds a /128 mask as /64 (its maskIP halves the prefix per byte), so
            // ::1/128 also trusts the rest of ::/64: reserved addresses only, no routable host. Pinned here so that
            // a James upgrade that fixes it is noticed.
            assertThat(trusted.matchInetNetwork(InetAddress.getByName("::2"))).isTrue();
        }
    }

    private static List<String> networks(String authorizedAddresses) {
        List<String> networks = new ArrayList<>();
        StringTokenizer tokens = new StringTokenizer(authorizedAddresses, ", ", false);
        while (tokens.hasMoreTokens()) {
            networks.add(tokens.nextToken());
        }
        return networks;
    }

    /** Only literal addresses are in the file: name lookups are plain InetAddress parsing. */
    private static DNSService plainDns() {
        return (DNSService) Proxy.newProxyInstance(DNSService.class.getClassLoader(), new Class<?>[] {DNSService.class},
            (proxy, method, args) -> {
                if (method.getName().equals("getByName")) {
                    return InetAddress.getByName((String) args[0]);
                }
                throw new UnsupportedOperationException(method.getName());
            });
    }
}
