package org.postern.server;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.CoreDataModule;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.mailrepository.api.MailRepositoryFactory;
import org.apache.james.mailrepository.api.MailRepositoryUrlStore;
import org.apache.james.mailrepository.api.Protocol;
import org.apache.james.mailrepository.jpa.JPAMailRepository;
import org.apache.james.mailrepository.jpa.JPAMailRepositoryFactory;
import org.apache.james.mailrepository.jpa.JPAMailRepositoryUrlStore;
import org.apache.james.mailrepository.memory.MailRepositoryStoreConfiguration;
import org.apache.james.rrt.api.AliasReverseResolver;
import org.apache.james.rrt.api.CanSendFrom;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.lib.AliasReverseResolverImpl;
import org.apache.james.rrt.lib.CanSendFromImpl;
import org.apache.james.sieve.jpa.JPASieveRepository;
import org.apache.james.sieverepository.api.SieveQuotaRepository;
import org.apache.james.sieverepository.api.SieveRepository;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;
import org.apache.james.server.core.configuration.ConfigurationProvider;

import com.google.common.collect.ImmutableList;
import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.ProvidesIntoSet;

/**
 * James data services (domains, users, recipient rewrites, Sieve scripts, mail repositories) stored through JPA,
 * in the same database as the mailboxes. James 3.8.1 ships these classes but not the Guice glue of its jpa-app;
 * this is ours.
 */
public class PosternJpaDataModule extends AbstractModule {
    static final String JPA_REPOSITORY_PROTOCOL = "jpa";

    @Override
    protected void configure() {
        install(new CoreDataModule());

        // Domains, users and rewrites are asked for every recipient: read through caches emptied on every change.
        bind(CachedDomainList.class).in(Scopes.SINGLETON);
        bind(DomainList.class).to(CachedDomainList.class);

        bind(CachedUsersRepository.class).in(Scopes.SINGLETON);
        bind(UsersRepository.class).to(CachedUsersRepository.class);

        bind(CachedRecipientRewriteTable.class).in(Scopes.SINGLETON);
        bind(RecipientRewriteTable.class).to(CachedRecipientRewriteTable.class);
        bind(AliasReverseResolverImpl.class).in(Scopes.SINGLETON);
        bind(AliasReverseResolver.class).to(AliasReverseResolverImpl.class);
        bind(CanSendFromImpl.class).in(Scopes.SINGLETON);
        bind(CanSendFrom.class).to(CanSendFromImpl.class);

        bind(JPASieveRepository.class).in(Scopes.SINGLETON);
        bind(SieveRepository.class).to(JPASieveRepository.class);
        bind(SieveQuotaRepository.class).to(JPASieveRepository.class);

        bind(JPAMailRepositoryUrlStore.class).in(Scopes.SINGLETON);
        bind(MailRepositoryUrlStore.class).to(JPAMailRepositoryUrlStore.class);
        bind(MailRepositoryStoreConfiguration.Item.class)
            .toProvider(() -> new MailRepositoryStoreConfiguration.Item(
                ImmutableList.of(new Protocol(JPA_REPOSITORY_PROTOCOL)),
                JPAMailRepository.class.getName(),
                new BaseHierarchicalConfiguration()));
        Multibinder.newSetBinder(binder(), MailRepositoryFactory.class)
            .addBinding().to(JPAMailRepositoryFactory.class);
    }

    @ProvidesIntoSet
    InitializationOperation configureDomainList(DomainListConfiguration configuration, CachedDomainList domainList) {
        return InitilizationOperationBuilder
            .forClass(CachedDomainList.class)
            .init(() -> domainList.configure(configuration));
    }

    @ProvidesIntoSet
    InitializationOperation configureUsers(ConfigurationProvider configurationProvider, CachedUsersRepository usersRepository) {
        return InitilizationOperationBuilder
            .forClass(CachedUsersRepository.class)
            .init(() -> usersRepository.configure(configurationProvider.getConfiguration("usersrepository")));
    }

    @ProvidesIntoSet
    InitializationOperation configureRecipientRewriteTable(ConfigurationProvider configurationProvider, CachedRecipientRewriteTable table) {
        return InitilizationOperationBuilder
            .forClass(CachedRecipientRewriteTable.class)
            .init(() -> table.configure(configurationProvider.getConfiguration("recipientrewritetable")));
    }
}
