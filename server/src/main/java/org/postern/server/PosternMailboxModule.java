package org.postern.server;

import static org.apache.james.modules.Names.MAILBOXMANAGER_NAME;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.adapter.mailbox.ACLUsernameChangeTaskStep;
import org.apache.james.adapter.mailbox.MailboxUsernameChangeTaskStep;
import org.apache.james.adapter.mailbox.QuotaUsernameChangeTaskStep;
import org.apache.james.adapter.mailbox.UserRepositoryAuthenticator;
import org.apache.james.adapter.mailbox.UserRepositoryAuthorizator;
import org.apache.james.events.EventListener;
import org.apache.james.mailbox.AttachmentContentLoader;
import org.apache.james.mailbox.Authenticator;
import org.apache.james.mailbox.Authorizator;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxPathLocker;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.SubscriptionManager;
import org.apache.james.mailbox.acl.MailboxACLResolver;
import org.apache.james.mailbox.extractor.TextExtractor;
import org.apache.james.mailbox.acl.UnionMailboxACLResolver;
import org.apache.james.mailbox.jpa.JPAAttachmentContentLoader;
import org.apache.james.mailbox.jpa.JPAId;
import org.apache.james.mailbox.jpa.quota.JpaCurrentQuotaManager;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.quota.CurrentQuotaManager;
import org.apache.james.mailbox.quota.MaxQuotaManager;
import org.apache.james.mailbox.quota.QuotaManager;
import org.apache.james.mailbox.quota.QuotaRootDeserializer;
import org.apache.james.mailbox.quota.QuotaRootResolver;
import org.apache.james.mailbox.quota.UserQuotaRootResolver;
import org.apache.james.mailbox.store.JVMMailboxPathLocker;
import org.apache.james.mailbox.store.MailboxManagerConfiguration;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.SessionProviderImpl;
import org.apache.james.mailbox.store.StoreMailboxManager;
import org.apache.james.mailbox.store.StoreSubscriptionManager;
import org.apache.james.mailbox.store.event.MailboxAnnotationListener;
import org.apache.james.mailbox.store.extractor.DefaultTextExtractor;
import org.apache.james.mailbox.store.mail.MailboxMapperFactory;
import org.apache.james.mailbox.store.mail.MessageMapperFactory;
import org.apache.james.mailbox.store.mail.ModSeqProvider;
import org.apache.james.mailbox.store.mail.NaiveThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.ThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.UidProvider;
import org.apache.james.mailbox.store.mail.model.DefaultMessageId;
import org.apache.james.mailbox.store.quota.DefaultUserQuotaRootResolver;
import org.apache.james.mailbox.store.quota.NoMaxQuotaManager;
import org.apache.james.mailbox.store.quota.NoQuotaManager;
import org.apache.james.mailbox.store.quota.NoQuotaUpdater;
import org.apache.james.mailbox.store.quota.QuotaUpdater;
import org.apache.james.mailbox.store.search.MessageSearchIndex;
import org.apache.james.mailbox.store.search.SimpleMessageSearchIndex;
import org.apache.james.mailbox.store.user.SubscriptionMapperFactory;
import org.apache.james.quota.search.QuotaSearcher;
import org.apache.james.quota.search.scanning.ScanningQuotaSearcher;
import org.apache.james.user.api.UsernameChangeTaskStep;
import org.apache.james.utils.MailboxManagerDefinition;

import org.apache.commons.dbcp2.BasicDataSource;
import org.postern.mailstore.JdbcMailboxSessionMapperFactory;
import org.postern.mailstore.JdbcMaildropReader;
import org.postern.mailstore.JdbcModSeqProvider;
import org.postern.mailstore.JdbcUidProvider;
import org.postern.mailstore.MailboxDatabase;
import org.postern.mailstore.PosternMailboxManager;
import org.postern.pop3.MaildropReader;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.name.Names;

/**
 * Mailbox storage: James's store mailbox manager ({@link PosternMailboxManager}) on Postern's JDBC mapper
 * ({@link JdbcMailboxSessionMapperFactory}) over the tables of James's JPA store, in the database of
 * {@code james-database.properties} (embedded Derby, or PostgreSQL shared by several nodes).
 *
 * <p>What a POP3 gateway does not need is left out of the per-message path: no full-text search (a scanning index,
 * no Lucene) and no quota (Postern has no way to set one; James's JPA quota cost several queries and a write per
 * message).</p>
 */
public class PosternMailboxModule extends AbstractModule {
    @Override
    protected void configure() {
        install(new PosternEntityManagerModule());
        bindStore();
        bindQuota();
        bindSearch();
    }

    @Provides
    @Singleton
    MailboxDatabase provideMailboxDatabase(DatabaseConfiguration database) {
        return mailboxDatabase(database);
    }

    /** A pool of its own on the database of {@code james-database.properties} (also for tests of the store). */
    public static MailboxDatabase mailboxDatabase(DatabaseConfiguration database) {
        BasicDataSource pool = new BasicDataSource();
        pool.setDriverClassName(database.driverClassName());
        pool.setUrl(database.url());
        database.username().ifPresent(pool::setUsername);
        database.password().ifPresent(pool::setPassword);
        pool.setMaxTotal(database.maxConnections());
        pool.setMaxIdle(database.maxConnections());
        pool.setPoolPreparedStatements(true);
        return new MailboxDatabase(pool);
    }

    private void bindStore() {
        bind(MaildropReader.class).to(JdbcMaildropReader.class);
        bind(JdbcMailboxSessionMapperFactory.class).in(Scopes.SINGLETON);
        bind(PosternMailboxManager.class).in(Scopes.SINGLETON);
        bind(JVMMailboxPathLocker.class).in(Scopes.SINGLETON);
        bind(StoreSubscriptionManager.class).in(Scopes.SINGLETON);
        bind(JdbcModSeqProvider.class).in(Scopes.SINGLETON);
        bind(JdbcUidProvider.class).in(Scopes.SINGLETON);
        bind(UserRepositoryAuthenticator.class).in(Scopes.SINGLETON);
        bind(UserRepositoryAuthorizator.class).in(Scopes.SINGLETON);
        bind(JPAId.Factory.class).in(Scopes.SINGLETON);
        bind(UnionMailboxACLResolver.class).in(Scopes.SINGLETON);
        bind(DefaultMessageId.Factory.class).in(Scopes.SINGLETON);
        bind(NaiveThreadIdGuessingAlgorithm.class).in(Scopes.SINGLETON);
        bind(SessionProviderImpl.class).in(Scopes.SINGLETON);

        bind(SubscriptionMapperFactory.class).to(JdbcMailboxSessionMapperFactory.class);
        bind(MessageMapperFactory.class).to(JdbcMailboxSessionMapperFactory.class);
        bind(MailboxMapperFactory.class).to(JdbcMailboxSessionMapperFactory.class);
        bind(MailboxSessionMapperFactory.class).to(JdbcMailboxSessionMapperFactory.class);
        bind(MessageId.Factory.class).to(DefaultMessageId.Factory.class);
        bind(ThreadIdGuessingAlgorithm.class).to(NaiveThreadIdGuessingAlgorithm.class);
        bind(ModSeqProvider.class).to(JdbcModSeqProvider.class);
        bind(UidProvider.class).to(JdbcUidProvider.class);
        bind(SubscriptionManager.class).to(StoreSubscriptionManager.class);
        bind(MailboxPathLocker.class).to(JVMMailboxPathLocker.class);
        bind(Authenticator.class).to(UserRepositoryAuthenticator.class);
        bind(Authorizator.class).to(UserRepositoryAuthorizator.class);
        bind(MailboxManager.class).to(PosternMailboxManager.class);
        bind(StoreMailboxManager.class).to(PosternMailboxManager.class);
        bind(SessionProvider.class).to(SessionProviderImpl.class);
        bind(MailboxId.Factory.class).to(JPAId.Factory.class);
        bind(MailboxACLResolver.class).to(UnionMailboxACLResolver.class);
        bind(AttachmentContentLoader.class).to(JPAAttachmentContentLoader.class);
        bind(MailboxManager.class).annotatedWith(Names.named(MAILBOXMANAGER_NAME)).to(MailboxManager.class);
        bind(MailboxManagerConfiguration.class).toInstance(MailboxManagerConfiguration.DEFAULT);

        Multibinder.newSetBinder(binder(), MailboxManagerDefinition.class).addBinding().to(PosternMailboxManagerDefinition.class);
        Multibinder.newSetBinder(binder(), EventListener.GroupEventListener.class).addBinding().to(MailboxAnnotationListener.class);
        Multibinder<UsernameChangeTaskStep> usernameChangeSteps = Multibinder.newSetBinder(binder(), UsernameChangeTaskStep.class);
        usernameChangeSteps.addBinding().to(MailboxUsernameChangeTaskStep.class);
        usernameChangeSteps.addBinding().to(ACLUsernameChangeTaskStep.class);
        usernameChangeSteps.addBinding().to(QuotaUsernameChangeTaskStep.class);
    }

    /** No quota: unlimited for everyone, nothing counted per message. */
    private void bindQuota() {
        bind(DefaultUserQuotaRootResolver.class).in(Scopes.SINGLETON);
        bind(UserQuotaRootResolver.class).to(DefaultUserQuotaRootResolver.class);
        bind(QuotaRootResolver.class).to(DefaultUserQuotaRootResolver.class);
        bind(QuotaRootDeserializer.class).to(DefaultUserQuotaRootResolver.class);
        bind(MaxQuotaManager.class).to(NoMaxQuotaManager.class);
        bind(QuotaManager.class).to(NoQuotaManager.class);
        bind(CurrentQuotaManager.class).to(JpaCurrentQuotaManager.class);
        bind(QuotaUpdater.class).to(NoQuotaUpdater.class);
        bind(ScanningQuotaSearcher.class).in(Scopes.SINGLETON);
        bind(QuotaSearcher.class).to(ScanningQuotaSearcher.class);
    }

    private void bindSearch() {
        bind(SimpleMessageSearchIndex.class).in(Scopes.SINGLETON);
        bind(MessageSearchIndex.class).to(SimpleMessageSearchIndex.class);
        bind(TextExtractor.class).to(DefaultTextExtractor.class);
    }

    @Singleton
    private static class PosternMailboxManagerDefinition extends MailboxManagerDefinition {
        @Inject
        private PosternMailboxManagerDefinition(PosternMailboxManager manager) {
            super("postern-mailboxmanager", manager);
        }
    }
}
