package org.postern.mailstore;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.jpa.JPAId;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.store.mail.AttachmentMapper;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.MessageIdMapper;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.DefaultMessageId;
import org.apache.james.mailbox.store.mail.model.MapperProvider;

/** Our mappers for James's mapper contract tests: what James's JPA store supports, the same way. */
final class JdbcMapperProvider implements MapperProvider {
    private final JdbcMailboxSessionMapperFactory store;

    JdbcMapperProvider(JdbcMailboxSessionMapperFactory store) {
        this.store = store;
    }

    @Override
    public List<Capabilities> getSupportedCapabilities() {
        return List.of(Capabilities.MAILBOX, Capabilities.MESSAGE, Capabilities.MOVE);
    }

    @Override
    public MailboxMapper createMailboxMapper() {
        return store.createMailboxMapper(null);
    }

    @Override
    public MessageMapper createMessageMapper() {
        return store.createMessageMapper(null);
    }

    @Override
    public MessageIdMapper createMessageIdMapper() {
        throw new UnsupportedOperationException();
    }

    @Override
    public AttachmentMapper createAttachmentMapper() {
        throw new UnsupportedOperationException();
    }

    @Override
    public MailboxId generateId() {
        return JPAId.of(ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE));
    }

    @Override
    public MessageUid generateMessageUid() {
        throw new UnsupportedOperationException();
    }

    @Override
    public ModSeq generateModSeq(Mailbox mailbox) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ModSeq highestModSeq(Mailbox mailbox) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean supportPartialAttachmentFetch() {
        return false;
    }

    @Override
    public MessageId generateMessageId() {
        return new DefaultMessageId.Factory().generate();
    }
}
