package org.postern.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.domainlist.memory.MemoryDomainList;
import org.apache.james.rrt.api.RecipientRewriteTableConfiguration;
import org.apache.james.rrt.lib.Mapping;
import org.apache.james.rrt.lib.MappingSource;
import org.apache.james.rrt.memory.MemoryRecipientRewriteTable;
import org.apache.james.user.memory.MemoryUsersRepository;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postern.dns.MxHost;
import org.postern.routing.Route;
import org.postern.routing.TransportTable;
import org.postern.testing.ScriptedSmtpPeer;

/**
 * The decision table of {@link RecipientAcceptance} with James's in-memory stores, a real callout peer on loopback,
 * and the two matchers that re-check it in the pipeline.
 */
class RecipientAcceptanceTest {
    MemoryDomainList domains;
    MemoryUsersRepository users;
    MemoryRecipientRewriteTable rewrites;
    ScriptedSmtpPeer peer;
    RecipientAcceptance acceptance;

    @BeforeEach
    void setUp() throws Exception {
        domains = new MemoryDomainList(null);
        domains.configure(DomainListConfiguration.builder().autoDetect(false).autoDetectIp(false).build());
        domains.addDomain(Domain.of("example.test"));
        users = MemoryUsersRepository.withVirtualHosting(domains);
        users.addUser(Username.of("user@example.test"), "pw");
        rewrites = new MemoryRecipientRewriteTable();
        rewrites.setConfiguration(RecipientRewriteTableConfiguration.DEFAULT_ENABLED);
        rewrites.setDomainList(domains);
        rewrites.setUsersRepository(users);
        rewrites.addMapping(MappingSource.fromUser("sales", "example.test"), Mapping.address("user@example.test"));
        peer = ScriptedSmtpPeer.start("127.0.0.67", 0).on("RCPT", "gone@callout.test", "550 5.1.1 no such user");
        acceptance = acceptance(domains);
    }

    @AfterEach
    void tearDown() throws Exception {
        peer.close();
    }

    RecipientAcceptance acceptance(DomainList domainList) throws Exception {
        RelayDomains relayDomains = new RelayDomains(Map.of(
            Domain.of("list.test"), Verification.LIST,
            Domain.of("callout.test"), Verification.CALLOUT,
            Domain.of("open.test"), Verification.ACCEPT_ALL), Optional.empty(),
            new CalloutSettings(Duration.ofHours(1), Duration.ofMinutes(10), Duration.ofSeconds(2)));
        Route toPeer = new Route("callout.test", TransportTable.Entry.DEFAULT, new Route.Deliver(
            List.of(new MxHost("peer.test", 10, List.of(InetAddress.getByName("127.0.0.67")))), peer.port()));
        CalloutVerifier callout = new CalloutVerifier(relayDomains.callout(), domain -> CompletableFuture.completedFuture(toPeer),
            new SmtpProbe("gw.test", Duration.ofSeconds(2)), Clock.systemUTC());
        RecipientList list = RecipientListTest.parse("alice@list.test\n");
        return new RecipientAcceptance(domainList, users, rewrites, relayDomains, () -> list, callout);
    }

    Verdict decide(String address, boolean relayAuthorized) throws Exception {
        return acceptance.decide(new MailAddress(address), relayAuthorized);
    }

    String rule(String address, boolean relayAuthorized) throws Exception {
        Decision decision = acceptance.explain(new MailAddress(address), relayAuthorized);
        assertThat(decision.verdict()).as("explain and decide agree").isEqualTo(decide(address, relayAuthorized));
        return decision.rule();
    }

    @Test
    void explainShouldNameTheRuleThatDecidedEachVerdict() throws Exception {
        assertThat(rule("user@example.test", false)).isEqualTo("local domain: a user of this server");
        assertThat(rule("sales@example.test", false)).startsWith("local domain: an alias, forward or group");
        assertThat(rule("nobody@example.test", true)).isEqualTo("local domain: neither a user nor a recipient rewrite");
        assertThat(rule("postmaster@list.test", false)).startsWith("postmaster@ a local or relay domain is always accepted");
        assertThat(rule("alice@list.test", false)).isEqualTo("relay domain, verify=list: in the recipient list");
        assertThat(rule("bob@list.test", false)).isEqualTo("relay domain, verify=list: not in the recipient list");
        assertThat(rule("anyone@open.test", false)).isEqualTo("relay domain (relaydomains.xml), verify=accept-all");
        assertThat(rule("known@callout.test", false)).isEqualTo("relay domain, verify=callout: the next hop accepts the recipient");
        assertThat(rule("gone@callout.test", false)).isEqualTo("relay domain, verify=callout: the next hop refused the recipient");
        assertThat(rule("someone@elsewhere.test", true)).startsWith("other domain: relayed for an authenticated client or a trusted network");
        assertThat(rule("someone@elsewhere.test", false)).startsWith("other domain: relayed only for authenticated clients");
    }

    @Test
    void localDomainsShouldAcceptUsersAliasesAndPostmasterOnly() throws Exception {
        assertThat(decide("user@example.test", false)).isEqualTo(Verdict.ACCEPT);
        assertThat(decide("sales@example.test", false)).isEqualTo(Verdict.ACCEPT);
        assertThat(decide("POSTMASTER@example.test", false)).isEqualTo(Verdict.ACCEPT);
        assertThat(decide("nobody@example.test", true)).satisfies(verdict -> {
            assertThat(verdict.kind()).isEqualTo(Verdict.Kind.UNKNOWN_RECIPIENT);
            assertThat(verdict.code() + " " + verdict.status()).isEqualTo("550 5.1.1");
        });
    }

    @Test
    void relayDomainsShouldVerifyAsConfiguredWhoeverTheClientIs() throws Exception {
        assertThat(decide("alice@list.test", false)).isEqualTo(Verdict.ACCEPT);
        assertThat(decide("bob@list.test", true).kind()).isEqualTo(Verdict.Kind.UNKNOWN_RECIPIENT);
        assertThat(decide("postmaster@list.test", false)).isEqualTo(Verdict.ACCEPT);
        assertThat(decide("anyone@open.test", false)).isEqualTo(Verdict.ACCEPT);
        assertThat(decide("known@callout.test", false)).isEqualTo(Verdict.ACCEPT);
        assertThat(decide("gone@callout.test", false).text()).contains("undeliverable address").contains("550 5.1.1 no such user");
    }

    @Test
    void otherDomainsShouldBeForRelayAuthorizedClientsOnly() throws Exception {
        assertThat(decide("someone@elsewhere.test", true)).isEqualTo(Verdict.ACCEPT);
        assertThat(decide("someone@elsewhere.test", false)).isEqualTo(Verdict.RELAY_DENIED);
        assertThat(decide("postmaster@elsewhere.test", false)).isEqualTo(Verdict.RELAY_DENIED);
        assertThat(decide("someone@sub.open.test", false)).isEqualTo(Verdict.RELAY_DENIED);
    }

    @Test
    void anUnreadableDomainListShouldGiveATemporaryAnswer() throws Exception {
        DomainList broken = (DomainList) Proxy.newProxyInstance(DomainList.class.getClassLoader(), new Class<?>[] {DomainList.class},
            (proxy, method, args) -> {
                throw new DomainListException("database down");
            });
        acceptance = acceptance(broken);

        Verdict verdict = decide("user@example.test", false);

        assertThat(verdict.code() + " " + verdict.status()).isEqualTo("451 4.3.0");
        assertThat(verdict.kind()).isEqualTo(Verdict.Kind.TRY_LATER);
    }

    @Test
    void theMatchersShouldReCheckTheSameDecisions() throws Exception {
        RecipientIsInRelayDomain inRelayDomain = new RecipientIsInRelayDomain(acceptance);
        inRelayDomain.init(FakeMatcherConfig.builder().matcherName("RecipientIsInRelayDomain").build());
        RecipientIsVerified verified = new RecipientIsVerified(acceptance);
        verified.init(FakeMatcherConfig.builder().matcherName("RecipientIsVerified").build());
        FakeMail mail = FakeMail.builder().name("m1").sender("someone@elsewhere.test").recipients(
            new MailAddress("alice@list.test"), new MailAddress("bob@list.test"), new MailAddress("user@example.test"),
            new MailAddress("nobody@example.test"), new MailAddress("x@elsewhere.test"), new MailAddress("y@open.test")).build();

        assertThat(inRelayDomain.match(mail)).extracting(MailAddress::asString)
            .containsExactlyInAnyOrder("alice@list.test", "bob@list.test", "y@open.test");
        assertThat(verified.match(mail)).extracting(MailAddress::asString)
            .containsExactlyInAnyOrder("alice@list.test", "user@example.test", "y@open.test");
    }
}
