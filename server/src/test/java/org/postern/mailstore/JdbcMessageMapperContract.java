package org.postern.mailstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import javax.mail.Flags;

import org.apache.james.mailbox.MessageManager.FlagsUpdateMode;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.FlagsBuilder;
import org.apache.james.mailbox.jpa.JPAId;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.FlagsUpdateCalculator;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.MapperProvider;
import org.apache.james.mailbox.store.mail.model.MessageMapperTest;
import org.apache.james.protocols.pop3.mailbox.MessageMetaData;
import org.apache.james.utils.UpdatableTickingClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * James's own contract of a {@code MessageMapper} (James 3.8.1's {@code MessageMapperTest}, over a hundred cases),
 * run on {@link JdbcMessageMapper}. As James's JPA store, ours does not store message ids (each read gets a new
 * one) nor save dates: the five cases that compare message ids are redone here on everything else they check, and
 * the save-date cases are skipped.
 */
@ExtendWith(JdbcMessageMapperContract.NoSaveDates.class)
abstract class JdbcMessageMapperContract extends MessageMapperTest {
    /** The save-date cases (a nested class of the contract) do not apply: save dates are not stored. */
    static class NoSaveDates implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getTestClass().map(Class::getSimpleName).filter("SaveDateTests"::equals).isPresent()
                ? ConditionEvaluationResult.disabled("save dates are not stored, as in James's JPA store")
                : ConditionEvaluationResult.enabled("");
        }
    }

    abstract TestDatabase database();

    @Override
    protected MapperProvider createMapperProvider() {
        try {
            return new JdbcMapperProvider(database().newStore());
        } catch (MailboxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected UpdatableTickingClock updatableTickingClock() {
        return null; // no save date
    }

    @AfterEach
    void emptyTheTables() throws Exception {
        database().clearMailboxes();
    }

    private void assertUpdate(Optional<UpdatedFlags> update, ModSeq modSeq, Flags before, Flags after) {
        assertThat(update).hasValueSatisfying(flags -> {
            assertThat(flags.getUid()).isEqualTo(message1.getUid());
            assertThat(flags.getModSeq()).isEqualTo(modSeq);
            assertThat(flags.getOldFlags()).isEqualTo(before);
            assertThat(flags.getNewFlags()).isEqualTo(after);
        });
    }

    @Test
    @Override
    protected void flagsReplacementShouldReturnAnUpdatedFlagHighlightingTheReplacement() throws MailboxException {
        saveMessages();
        ModSeq modSeq = messageMapper.getHighestModSeq(benwaInboxMailbox);

        assertUpdate(messageMapper.updateFlags(benwaInboxMailbox, message1.getUid(),
                new FlagsUpdateCalculator(new Flags(Flags.Flag.FLAGGED), FlagsUpdateMode.REPLACE)),
            modSeq.next(), new Flags(), new Flags(Flags.Flag.FLAGGED));
    }

    @Test
    @Override
    protected void flagsAdditionShouldReturnAnUpdatedFlagHighlightingTheAddition() throws MailboxException {
        saveMessages();
        messageMapper.updateFlags(benwaInboxMailbox, message1.getUid(), new FlagsUpdateCalculator(new Flags(Flags.Flag.FLAGGED), FlagsUpdateMode.REPLACE));
        ModSeq modSeq = messageMapper.getHighestModSeq(benwaInboxMailbox);

        assertUpdate(messageMapper.updateFlags(benwaInboxMailbox, message1.getUid(),
                new FlagsUpdateCalculator(new Flags(Flags.Flag.SEEN), FlagsUpdateMode.ADD)),
            modSeq.next(), new Flags(Flags.Flag.FLAGGED), new FlagsBuilder().add(Flags.Flag.SEEN, Flags.Flag.FLAGGED).build());
    }

    @Test
    @Override
    protected void flagsRemovalShouldReturnAnUpdatedFlagHighlightingTheRemoval() throws MailboxException {
        saveMessages();
        messageMapper.updateFlags(benwaInboxMailbox, message1.getUid(),
            new FlagsUpdateCalculator(new FlagsBuilder().add(Flags.Flag.FLAGGED, Flags.Flag.SEEN).build(), FlagsUpdateMode.REPLACE));
        ModSeq modSeq = messageMapper.getHighestModSeq(benwaInboxMailbox);

        assertUpdate(messageMapper.updateFlags(benwaInboxMailbox, message1.getUid(),
                new FlagsUpdateCalculator(new Flags(Flags.Flag.SEEN), FlagsUpdateMode.REMOVE)),
            modSeq.next(), new FlagsBuilder().add(Flags.Flag.SEEN, Flags.Flag.FLAGGED).build(), new Flags(Flags.Flag.FLAGGED));
    }

    @Test
    @Override
    protected void userFlagsUpdateShouldReturnCorrectUpdatedFlags() throws Exception {
        saveMessages();
        ModSeq modSeq = messageMapper.getHighestModSeq(benwaInboxMailbox);

        assertUpdate(messageMapper.updateFlags(benwaInboxMailbox, message1.getUid(),
                new FlagsUpdateCalculator(new Flags(USER_FLAG), FlagsUpdateMode.ADD)),
            modSeq.next(), new Flags(), new Flags(USER_FLAG));
    }

    @Test
    @Override
    protected void userFlagsUpdateShouldReturnCorrectUpdatedFlagsWhenNoop() throws Exception {
        saveMessages();

        assertUpdate(messageMapper.updateFlags(benwaInboxMailbox, message1.getUid(),
                new FlagsUpdateCalculator(new Flags(USER_FLAG), FlagsUpdateMode.REMOVE)),
            message1.getModSeq(), new Flags(), new Flags());
    }

    @Test
    void pop3ShouldListEveryMessageOfOneMailboxWithItsSizeInUidOrder() throws Exception {
        saveMessages();

        List<MessageMetaData> listing = new JdbcMaildropReader(database().database).list((JPAId) benwaInboxMailbox.getMailboxId());

        assertThat(listing).extracting(MessageMetaData::getUid).containsExactly(
            Stream.of(message1, message2, message3, message4, message5).map(m -> String.valueOf(m.getUid().asLong())).toArray(String[]::new));
        assertThat(listing).extracting(MessageMetaData::getSize).containsExactly(
            Stream.of(message1, message2, message3, message4, message5).map(MailboxMessage::getFullContentOctets).toArray(Long[]::new));
    }

    @Test
    void pop3ShouldReadTheFullContentOfARunOfUidsInOneMailbox() throws Exception {
        saveMessages();
        Map<MessageUid, byte[]> read = new LinkedHashMap<>();

        new JdbcMaildropReader(database().database).read((JPAId) benwaInboxMailbox.getMailboxId(), message2.getUid(), message4.getUid(),
            read::put);

        assertThat(read.keySet()).containsExactly(message2.getUid(), message3.getUid(), message4.getUid());
        for (MailboxMessage message : List.of(message2, message3, message4)) {
            assertThat(read.get(message.getUid())).isEqualTo(message.getFullContent().readAllBytes());
        }
    }
}
