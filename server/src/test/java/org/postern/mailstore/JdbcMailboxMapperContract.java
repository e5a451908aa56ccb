package org.postern.mailstore;

import java.util.concurrent.ThreadLocalRandom;

import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.jpa.JPAId;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMapperTest;
import org.junit.jupiter.api.AfterEach;

/** James's own contract of a {@code MailboxMapper} (James 3.8.1's {@code MailboxMapperTest}) on {@link JdbcMailboxMapper}. */
abstract class JdbcMailboxMapperContract extends MailboxMapperTest {
    abstract TestDatabase database();

    @Override
    protected MailboxMapper createMailboxMapper() {
        try {
            return database().newStore().createMailboxMapper(null);
        } catch (MailboxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected MailboxId generateId() {
        return JPAId.of(ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE));
    }

    @AfterEach
    void emptyTheTables() throws Exception {
        database().clearMailboxes();
    }
}
