package org.postern.mailstore;

import java.time.Clock;

import javax.inject.Inject;
import javax.inject.Singleton;
import javax.persistence.EntityManagerFactory;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.jpa.mail.JPAAnnotationMapper;
import org.apache.james.mailbox.jpa.user.JPASubscriptionMapper;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.mail.AnnotationMapper;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.MessageIdMapper;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.user.SubscriptionMapper;

/**
 * Postern's mailbox store behind James's mailbox SPI: mailboxes and messages on plain JDBC ({@link JdbcMailboxMapper},
 * {@link JdbcMessageMapper}), on the tables of James's JPA store. Subscriptions and annotations, written once per
 * mailbox at most, stay on James's JPA mappers.
 */
@Singleton
public class JdbcMailboxSessionMapperFactory extends MailboxSessionMapperFactory {
    /** Ids are cheap to waste and each block costs a commit: reserve plenty. */
    static final int ID_BLOCK = 1000;

    private final MailboxDatabase database;
    private final EntityManagerFactory entityManagerFactory;
    private final JdbcUidProvider uids;
    private final JdbcModSeqProvider modSeqs;
    private final SequenceBlocks ids;
    private final Clock clock;

    @Inject
    public JdbcMailboxSessionMapperFactory(MailboxDatabase database, EntityManagerFactory entityManagerFactory,
                                           JdbcUidProvider uids, JdbcModSeqProvider modSeqs, Clock clock) throws MailboxException {
        this.database = database;
        this.entityManagerFactory = entityManagerFactory;
        this.uids = uids;
        this.modSeqs = modSeqs;
        this.clock = clock;
        this.ids = new SequenceBlocks(database, ID_BLOCK);
        // OpenJPA owns the schema (of a new data directory, and of every JPA store): it creates the tables on first use
        entityManagerFactory.createEntityManager().close();
        ids.ensureExists();
    }

    @Override
    public MailboxMapper createMailboxMapper(MailboxSession session) {
        return new JdbcMailboxMapper(database, ids, uids, modSeqs);
    }

    @Override
    public MessageMapper createMessageMapper(MailboxSession session) {
        return new JdbcMessageMapper(database, ids, session, uids, modSeqs, clock);
    }

    @Override
    public MessageIdMapper createMessageIdMapper(MailboxSession session) {
        throw new UnsupportedOperationException("message ids are not stored (as in James's JPA store)");
    }

    @Override
    public SubscriptionMapper createSubscriptionMapper(MailboxSession session) {
        return new JPASubscriptionMapper(entityManagerFactory);
    }

    @Override
    public AnnotationMapper createAnnotationMapper(MailboxSession session) {
        return new JPAAnnotationMapper(entityManagerFactory);
    }

    @Override
    public JdbcUidProvider getUidProvider() {
        return uids;
    }

    @Override
    public JdbcModSeqProvider getModSeqProvider() {
        return modSeqs;
    }
}
