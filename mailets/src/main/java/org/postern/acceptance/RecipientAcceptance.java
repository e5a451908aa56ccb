package org.postern.acceptance;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.api.RecipientRewriteTableException;
import org.apache.james.rrt.lib.Mappings;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.postern.config.HostName;
import org.postern.config.WatchedFile;
import org.postern.routing.ResolveNextHop;
import org.postern.routing.Route;
import org.postern.routing.RoutingServices;

/**
 * The one place that decides whether Postern takes responsibility for a recipient, shared by the RCPT hook and
 * the pipeline's matchers:
 * <ul>
 *   <li>local domain: a James user or a recipient-rewrite (alias, forward) exists, else 550 5.1.1;</li>
 *   <li>relay domain: verified as relaydomains.xml says for that domain (list, callout, accept-all);</li>
 *   <li>any other domain: only for relay-authorized clients, else 554 5.7.1;</li>
 *   <li>postmaster@ every local and relay domain is always accepted (RFC 5321 4.5.1).</li>
 * </ul>
 * When a store cannot be read the answer is a temporary 451 4.3.0, never a permanent refusal.
 */
@Singleton
public class RecipientAcceptance {
    private final DomainList domainList;
    private final UsersRepository users;
    private final RecipientRewriteTable rewrites;
    private final RelayDomains relayDomains;
    private final Supplier<RecipientList> recipientList;
    private final CalloutVerifier callout;

    @Inject
    public RecipientAcceptance(DomainList domainList, UsersRepository users, RecipientRewriteTable rewrites,
                               ConfigurationProvider configuration, FileSystem fileSystem, RoutingServices routing) throws ConfigurationException {
        this(domainList, users, rewrites, relayDomains(configuration), fileSystem,
            domain -> resolve(routing, domain), HostName.resolve(configuration).value());
    }

    /** {@code heloName}: the server's {@link HostName}, which callouts give in EHLO. */
    private RecipientAcceptance(DomainList domainList, UsersRepository users, RecipientRewriteTable rewrites, RelayDomains relayDomains,
                                FileSystem fileSystem, Function<String, CompletionStage<Route>> routes, String heloName) throws ConfigurationException {
        this(domainList, users, rewrites, relayDomains, recipientList(relayDomains, fileSystem),
            new CalloutVerifier(relayDomains.callout(), routes,
                new SmtpProbe(heloName, relayDomains.callout().timeout()), Clock.systemUTC()));
    }

    RecipientAcceptance(DomainList domainList, UsersRepository users, RecipientRewriteTable rewrites, RelayDomains relayDomains,
                        Supplier<RecipientList> recipientList, CalloutVerifier callout) {
        this.domainList = domainList;
        this.users = users;
        this.rewrites = rewrites;
        this.relayDomains = relayDomains;
        this.recipientList = recipientList;
        this.callout = callout;
    }

    private static RelayDomains relayDomains(ConfigurationProvider configuration) throws ConfigurationException {
        return RelayDomains.from(configuration.getConfiguration("relaydomains"));
    }

    /** The live list of relaydomains.xml's {@code <recipientList>} (see {@link WatchedFile}), or none. */
    private static Supplier<RecipientList> recipientList(RelayDomains relayDomains, FileSystem fileSystem) throws ConfigurationException {
        if (relayDomains.recipientList().isEmpty()) {
            return () -> RecipientList.EMPTY;
        }
        try {
            return WatchedFile.load(path(fileSystem, relayDomains.recipientList().get()), Clock.systemUTC(),
                RecipientList::parse, RecipientList.EMPTY, list -> list.size() + " entries")::current;
        } catch (IllegalArgumentException | IOException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
    }

    public DomainKind kindOf(Domain domain) throws DomainListException {
        if (domainList.containsDomain(domain)) {
            return DomainKind.LOCAL;
        }
        return relayDomains.verificationOf(domain).isPresent() ? DomainKind.RELAY : DomainKind.FOREIGN;
    }

    public boolean isRelayDomain(Domain domain) {
        return relayDomains.verificationOf(domain).isPresent();
    }

    /** The answer for a recipient whose domain is of the given kind. */
    public Verdict decide(MailAddress recipient, DomainKind kind, boolean relayAuthorized) {
        return explain(recipient, kind, relayAuthorized).verdict();
    }

    /** Postern's own verdict without memo: the domain list is asked now. */
    public Verdict decide(MailAddress recipient, boolean relayAuthorized) {
        return explain(recipient, relayAuthorized).verdict();
    }

    /** The answer with the rule that gave it ({@code bin/postern explain}); the domain list is asked now. */
    public Decision explain(MailAddress recipient, boolean relayAuthorized) {
        try {
            return explain(recipient, kindOf(recipient.getDomain()), relayAuthorized);
        } catch (DomainListException e) {
            return storeUnavailable(recipient, e);
        }
    }

    /** The answer for a recipient whose domain is of the given kind, with the rule that gave it. */
    public Decision explain(MailAddress recipient, DomainKind kind, boolean relayAuthorized) {
        switch (kind) {
            case LOCAL:
                return isPostmaster(recipient) ? Decision.POSTMASTER : localUser(recipient);
            case RELAY:
                return isPostmaster(recipient) ? Decision.POSTMASTER : relayRecipient(recipient);
            default:
                return relayAuthorized ? Decision.RELAY_AUTHORIZED : Decision.RELAY_DENIED;
        }
    }

    public CalloutVerifier callout() {
        return callout;
    }

    static Decision storeUnavailable(MailAddress recipient, Exception e) {
        return new Decision(Verdict.tryLater("451", "4.3.0", recipient.asString(), "cannot check the recipient now ("
            + e.getMessage() + "), try again later"), "a store (domain list, users, recipient rewrite table) cannot be read now");
    }

    private Decision localUser(MailAddress recipient) {
        try {
            if (users.contains(users.getUsername(recipient))) {
                return Decision.LOCAL_USER;
            }
            Mappings mappings = rewrites.getResolvedMappings(recipient.getLocalPart(), recipient.getDomain());
            return mappings.isEmpty()
                ? new Decision(Verdict.unknown(recipient.asString(), "no such user here"), "local domain: neither a user nor a recipient rewrite")
                : Decision.LOCAL_REWRITE;
        } catch (RecipientRewriteTable.ErrorMappingException e) {
            return Decision.LOCAL_ERROR_MAPPING; // answered by the rrt-error processor, with its own text
        } catch (UsersRepositoryException | RecipientRewriteTableException | RuntimeException e) {
            return storeUnavailable(recipient, e);
        }
    }

    private Decision relayRecipient(MailAddress recipient) {
        Verification verification = relayDomains.verificationOf(recipient.getDomain()).orElseThrow();
        switch (verification) {
            case ACCEPT_ALL:
                return Decision.RELAY_ACCEPT_ALL;
            case LIST:
                return recipientList.get().contains(recipient) ? Decision.RELAY_LISTED
                    : new Decision(Verdict.unknown(recipient.asString(), "not in the recipient list of " + recipient.getDomain().asString()),
                        "relay domain, verify=list: not in the recipient list");
            default:
                return fromCallout(recipient, callout.verify(recipient));
        }
    }

    private static Decision fromCallout(MailAddress recipient, CalloutAnswer answer) {
        if (answer instanceof CalloutAnswer.Exists) {
            return Decision.CALLOUT_EXISTS;
        }
        if (answer instanceof CalloutAnswer.Unknown unknown) {
            return new Decision(Verdict.unknown(recipient.asString(), "undeliverable address: " + unknown.reply()),
                "relay domain, verify=callout: the next hop refused the recipient");
        }
        CalloutAnswer.TryLater later = (CalloutAnswer.TryLater) answer;
        String code = later.status().equals("4.1.1") ? "450" : "451";
        return new Decision(Verdict.tryLater(code, later.status(), recipient.asString(), "unverified address: " + later.reason()),
            "relay domain, verify=callout: the callout could not complete");
    }

    private static boolean isPostmaster(MailAddress recipient) {
        return recipient.getLocalPart().equalsIgnoreCase("postmaster");
    }

    private static CompletionStage<Route> resolve(RoutingServices routing, String domain) {
        try {
            return routing.resolver(ResolveNextHop.DEFAULT_TABLE).resolve(domain);
        } catch (IOException | ConfigurationException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Path path(FileSystem fileSystem, String url) throws IOException {
        try {
            return fileSystem.getFile(url).toPath();
        } catch (FileNotFoundException e) {
            throw new IOException(RelayDomains.FILE + ": <recipientList> = '" + url + "': " + e.getMessage(), e);
        }
    }
}
