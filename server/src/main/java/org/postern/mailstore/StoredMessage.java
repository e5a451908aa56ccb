package org.postern.mailstore;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import javax.mail.Flags;

import org.apache.commons.io.input.UnsynchronizedByteArrayInputStream;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.jpa.JPAId;
import org.apache.james.mailbox.model.ComposedMessageId;
import org.apache.james.mailbox.model.ComposedMessageIdWithMetaData;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageAttachmentMetadata;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.mail.model.FlagsFactory;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.impl.Properties;
import org.apache.james.mailbox.store.mail.model.impl.SimpleMailboxMessage;
import org.apache.james.mailbox.store.mail.model.DefaultMessageId;

/**
 * A message row of {@code JAMES_MAIL} as read by {@link JdbcMessageMapper}: the metadata always, the header and body
 * bytes only when the fetch asked for them (otherwise read on first use), the MIME properties (only IMAP-style
 * structure needs them) on first use.
 *
 * <p>As in James's JPA store, the message id is not stored: each read gets a fresh one.</p>
 */
final class StoredMessage implements MailboxMessage {
    /** Reads what a row was fetched without. */
    interface Loader {
        byte[] header(JPAId mailbox, MessageUid uid) throws IOException;

        byte[] body(JPAId mailbox, MessageUid uid) throws IOException;

        List<org.apache.james.mailbox.store.mail.model.Property> properties(JPAId mailbox, MessageUid uid);

        String[] userFlags(JPAId mailbox, MessageUid uid);
    }

    private final Loader loader;
    private final JPAId mailboxId;
    private final Date internalDate;
    private final int bodyStartOctet;
    private final long contentOctets;
    private final String mediaType;
    private final String subType;
    private final Long textualLineCount;
    private final MessageId messageId = new DefaultMessageId();
    private MessageUid uid;
    private ModSeq modSeq;
    private Flags flags;
    private String[] userFlags;
    private byte[] header;
    private byte[] body;
    private Properties properties;

    StoredMessage(Loader loader, JPAId mailboxId, MessageUid uid, ModSeq modSeq, Date internalDate, Flags flags,
                  int bodyStartOctet, long contentOctets, String mediaType, String subType, Long textualLineCount,
                  byte[] header, byte[] body) {
        this.loader = loader;
        this.mailboxId = mailboxId;
        this.uid = uid;
        this.modSeq = modSeq;
        this.internalDate = internalDate;
        this.flags = flags;
        this.bodyStartOctet = bodyStartOctet;
        this.contentOctets = contentOctets;
        this.mediaType = mediaType;
        this.subType = subType;
        this.textualLineCount = textualLineCount;
        this.header = header;
        this.body = body;
    }

    @Override
    public ComposedMessageIdWithMetaData getComposedMessageIdWithMetaData() {
        return ComposedMessageIdWithMetaData.builder()
            .modSeq(modSeq)
            .flags(createFlags())
            .composedMessageId(new ComposedMessageId(mailboxId, messageId, uid))
            .threadId(getThreadId())
            .build();
    }

    @Override
    public MessageId getMessageId() {
        return messageId;
    }

    @Override
    public ThreadId getThreadId() {
        return new ThreadId(messageId);
    }

    @Override
    public JPAId getMailboxId() {
        return mailboxId;
    }

    @Override
    public MessageUid getUid() {
        return uid;
    }

    @Override
    public void setUid(MessageUid uid) {
        this.uid = uid;
    }

    @Override
    public ModSeq getModSeq() {
        return modSeq;
    }

    @Override
    public void setModSeq(ModSeq modSeq) {
        this.modSeq = modSeq;
    }

    @Override
    public boolean isAnswered() {
        return flags.contains(Flags.Flag.ANSWERED);
    }

    @Override
    public boolean isDeleted() {
        return flags.contains(Flags.Flag.DELETED);
    }

    @Override
    public boolean isDraft() {
        return flags.contains(Flags.Flag.DRAFT);
    }

    @Override
    public boolean isFlagged() {
        return flags.contains(Flags.Flag.FLAGGED);
    }

    @Override
    public boolean isRecent() {
        return flags.contains(Flags.Flag.RECENT);
    }

    @Override
    public boolean isSeen() {
        return flags.contains(Flags.Flag.SEEN);
    }

    @Override
    public synchronized void setFlags(Flags flags) {
        this.flags = new Flags(flags);
        this.userFlags = flags.getUserFlags();
    }

    /** The user flags, read along with a batch of rows. */
    synchronized void userFlags(String[] userFlags) {
        this.userFlags = userFlags;
    }

    @Override
    public synchronized Flags createFlags() {
        if (userFlags == null) {
            userFlags = loader.userFlags(mailboxId, uid);
        }
        return FlagsFactory.createFlags(this, userFlags);
    }

    @Override
    public void setSaveDate(Date saveDate) {
        // not stored, as in James's JPA store
    }

    @Override
    public Optional<Date> getSaveDate() {
        return Optional.empty();
    }

    @Override
    public Date getInternalDate() {
        return internalDate;
    }

    @Override
    public long getFullContentOctets() {
        return contentOctets;
    }

    @Override
    public long getHeaderOctets() {
        return bodyStartOctet;
    }

    @Override
    public long getBodyOctets() {
        return contentOctets - bodyStartOctet;
    }

    @Override
    public String getMediaType() {
        return mediaType;
    }

    @Override
    public String getSubType() {
        return subType;
    }

    @Override
    public Long getTextualLineCount() {
        return textualLineCount;
    }

    @Override
    public synchronized InputStream getHeaderContent() throws IOException {
        if (header == null) {
            header = loader.header(mailboxId, uid);
        }
        return new UnsynchronizedByteArrayInputStream(header);
    }

    @Override
    public synchronized InputStream getBodyContent() throws IOException {
        if (body == null) {
            body = loader.body(mailboxId, uid);
        }
        return new UnsynchronizedByteArrayInputStream(body);
    }

    /**
     * One array, not a sequence of two streams, read without locks: POP3's RETR reads the message a byte at a time
     * (to dot-stuff it), so each layer of each read counts.
     */
    @Override
    public synchronized InputStream getFullContent() throws IOException {
        if (header == null) {
            header = loader.header(mailboxId, uid);
        }
        if (body == null) {
            body = loader.body(mailboxId, uid);
        }
        byte[] full = Arrays.copyOf(header, header.length + body.length);
        System.arraycopy(body, 0, full, header.length, body.length);
        return new UnsynchronizedByteArrayInputStream(full);
    }

    @Override
    public synchronized Properties getProperties() {
        if (properties == null) {
            properties = new Properties(loader.properties(mailboxId, uid), textualLineCount);
        }
        return properties;
    }

    @Override
    public List<MessageAttachmentMetadata> getAttachments() {
        return List.of(); // attachments are not stored apart from the message, as in James's JPA store
    }

    @Override
    public MailboxMessage copy(Mailbox mailbox) throws MailboxException {
        return SimpleMailboxMessage.copyWithoutAttachments(mailbox.getMailboxId(), this);
    }

    @Override
    public String toString() {
        return "message(mailbox " + mailboxId + ", uid " + uid + ")";
    }
}
