package org.postern.mailstore;

import java.time.Clock;
import java.util.EnumSet;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.events.EventBus;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.store.JVMMailboxPathLocker;
import org.apache.james.mailbox.store.MailboxManagerConfiguration;
import org.apache.james.mailbox.store.MessageFactory;
import org.apache.james.mailbox.store.MessageStorer;
import org.apache.james.mailbox.store.NoMailboxPathLocker;
import org.apache.james.mailbox.store.PreDeletionHooks;
import org.apache.james.mailbox.store.StoreMailboxAnnotationManager;
import org.apache.james.mailbox.store.StoreMailboxManager;
import org.apache.james.mailbox.store.StoreMessageManager;
import org.apache.james.mailbox.store.StoreRightManager;
import org.apache.james.mailbox.store.mail.ThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.model.impl.MessageParser;
import org.apache.james.mailbox.store.quota.QuotaComponents;
import org.apache.james.mailbox.store.search.MessageSearchIndex;

/**
 * James's store mailbox manager on Postern's JDBC mapper.
 *
 * <p>One difference with James's JPA manager: an append does not take the in-JVM lock on its mailbox's path. That lock
 * serialised every append to one mailbox, sync to disk included; the mapper needs none (the UID and mod-sequence come
 * from atomically reserved blocks and the insert is one transaction), so appends to one mailbox now commit side by
 * side. Creating, renaming and deleting mailboxes still take it.</p>
 */
@Singleton
public class PosternMailboxManager extends StoreMailboxManager {
    public static final EnumSet<MailboxCapabilities> CAPABILITIES = EnumSet.of(MailboxCapabilities.UserFlag,
        MailboxCapabilities.Namespace, MailboxCapabilities.Move, MailboxCapabilities.Annotation);

    private final MessageId.Factory messageIdFactory;
    private final ThreadIdGuessingAlgorithm threadIdGuessingAlgorithm;
    private final Clock clock;

    @Inject
    public PosternMailboxManager(JdbcMailboxSessionMapperFactory mapperFactory, SessionProvider sessionProvider,
                                 MessageParser messageParser, MessageId.Factory messageIdFactory, EventBus eventBus,
                                 StoreMailboxAnnotationManager annotationManager, StoreRightManager rightManager,
                                 QuotaComponents quotaComponents, MessageSearchIndex index, MailboxManagerConfiguration configuration,
                                 ThreadIdGuessingAlgorithm threadIdGuessingAlgorithm, Clock clock) {
        super(mapperFactory, sessionProvider, new JVMMailboxPathLocker(), messageParser, messageIdFactory, annotationManager,
            eventBus, rightManager, quotaComponents, index, configuration, PreDeletionHooks.NO_PRE_DELETION_HOOK,
            threadIdGuessingAlgorithm, clock);
        this.messageIdFactory = messageIdFactory;
        this.threadIdGuessingAlgorithm = threadIdGuessingAlgorithm;
        this.clock = clock;
    }

    @Override
    protected StoreMessageManager createMessageManager(Mailbox mailbox, MailboxSession session) {
        return new StoreMessageManager(DEFAULT_NO_MESSAGE_CAPABILITIES, getMapperFactory(), getMessageSearchIndex(), getEventBus(),
            new NoMailboxPathLocker(), mailbox, getQuotaComponents().getQuotaManager(),
            getQuotaComponents().getQuotaRootResolver(), configuration.getBatchSizes(), getStoreRightManager(),
            getPreDeletionHooks(), new MessageStorer.WithoutAttachment(getMapperFactory(), messageIdFactory,
                new MessageFactory.StoreMessageFactory(), threadIdGuessingAlgorithm, clock));
    }

    @Override
    public EnumSet<MailboxCapabilities> getSupportedMailboxCapabilities() {
        return CAPABILITIES;
    }
}
