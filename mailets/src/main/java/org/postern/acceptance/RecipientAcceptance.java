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
        try {
            return RelayDomains.from(configuration.getConfiguration("relaydomains"));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
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
        switch (kind) {
            case LOCAL:
                return isPostmaster(recipient) ? Verdict.ACCEPT : localUser(recipient);
            case RELAY:
                return isPostmaster(recipient) ? Verdict.ACCEPT : relayRecipient(recipient);
            default:
                return relayAuthorized ? Verdict.ACCEPT : Verdict.RELAY_DENIED;
        }
    }

    /** Postern's own verdict without memo: the domain list is asked now. */
    public Verdict decide(MailAddress recipient, boolean relayAuthorized) {
        try {
            return decide(recipient, kindOf(recipient.getDomain()), relayAuthorized);
        } catch (DomainListException e) {
            return storeUnavailable(recipient, e);
        }
    }

    public CalloutVerifier callout() {
        return callout;
    }

    static Verdict storeUnavailable(MailAddress recipient, Exception e) {
        return Verdict.tryLater("451", "4.3.0", recipient.asString(), "cannot check the recipient now (" + e.getMessage() + "), try again later");
    }

    private Verdict localUser(MailAddress recipient) {
        try {
            if (users.contains(users.getUsername(recipient))) {
                return Verdict.ACCEPT;
            }
            Mappings mappings = rewrites.getResolvedMappings(recipient.getLocalPart(), recipient.getDomain());
            return mappings.isEmpty() ? Verdict.unknown(recipient.asString(), "no such user here") : Verdict.ACCEPT;
        } catch (RecipientRewriteTable.ErrorMappingException e) {
            return Verdict.ACCEPT; // an error mapping is answered by the rrt-error processor, with its own text
        } catch (UsersRepositoryException | RecipientRewriteTableException | RuntimeException e) {
            return storeUnavailable(recipient, e);
        }
    }

    private Verdict relayRecipient(MailAddress recipient) {
        Verification verification = relayDomains.verificationOf(recipient.getDomain()).orElseThrow();
        switch (verification) {
            case ACCEPT_ALL:
                return Verdict.ACCEPT;
            case LIST:
                return recipientList.get().contains(recipient)
                    ? Verdict.ACCEPT : Verdict.unknown(recipient.asString(), "not in the recipient list of " + recipient.getDomain().asString());
            default:
                return fromCallout(recipient, callout.verify(recipient));
        }
    }

    private static Verdict fromCallout(MailAddress recipient, CalloutAnswer answer) {
        if (answer instanceof CalloutAnswer.Exists) {
            return Verdict.ACCEPT;
        }
        if (answer instanceof CalloutAnswer.Unknown unknown) {
            return Verdict.unknown(recipient.asString(), "undeliverable address: " + unknown.reply());
        }
        CalloutAnswer.TryLater later = (CalloutAnswer.TryLater) answer;
        String code = later.status().equals("4.1.1") ? "450" : "451";
        return Verdict.tryLater(code, later.status(), recipient.asString(), "unverified address: " + later.reason());
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
