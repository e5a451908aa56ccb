package org.postern.mailstore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.jpa.JPAId;

/**
 * One per-mailbox counter of {@code JAMES_MAILBOX} (the last UID, or the highest mod-sequence), handed out from
 * blocks reserved by one atomic increment of the mailbox's row.
 *
 * <p>Why blocks: a counter taken and written in the same transaction as the message would hold the mailbox row's
 * lock until that transaction's commit (a disk sync), so appends to one mailbox would queue behind one another's
 * syncs. With a reserved block, appends to one mailbox commit side by side, and the database can sync them
 * together; the row is written once per block. Each node sharing the database reserves its own blocks, so values
 * stay unique. The cost: a value reserved but never used (the process stopped) leaves a gap, which UIDs and
 * mod-sequences allow; and values are unique and increasing per node, not ordered by commit time across nodes,
 * which POP3 (UIDL is an identifier, not an order) does not need, but an IMAP server on several nodes would.</p>
 */
final class MailboxCounters {
    private final MailboxDatabase database;
    private final String column;
    private final int blockSize;
    private final Map<Long, Block> blocks = new ConcurrentHashMap<>();

    private static final class Block {
        long next;
        long last = -1;
    }

    MailboxCounters(MailboxDatabase database, String column, int blockSize) {
        this.database = database;
        this.column = column;
        this.blockSize = blockSize;
    }

    long next(JPAId mailbox) throws MailboxException {
        Block block = blocks.computeIfAbsent(mailbox.getRawId(), id -> new Block());
        synchronized (block) {
            if (block.next > block.last) {
                long end = reserve(mailbox);
                block.next = end - blockSize + 1;
                block.last = end;
            }
            return block.next++;
        }
    }

    /**
     * The last value handed out here while this node holds a block of the mailbox; otherwise the row's value, the
     * end of the last block any node reserved, which the next value handed out follows. Either way the next value is
     * this one plus one, as James's mapper contract has it.
     */
    long highest(JPAId mailbox) throws MailboxException {
        Block block = blocks.get(mailbox.getRawId());
        if (block != null) {
            synchronized (block) {
                if (block.next <= block.last) {
                    return block.next - 1;
                }
            }
        }
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + column + " FROM JAMES_MAILBOX WHERE MAILBOX_ID = ?")) {
                select.setLong(1, mailbox.getRawId());
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        throw new MailboxNotFoundException(mailbox);
                    }
                    return row.getLong(1);
                }
            }
        });
    }

    void forget(JPAId mailbox) {
        blocks.remove(mailbox.getRawId());
    }

    private long reserve(JPAId mailbox) throws MailboxException {
        return database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                "UPDATE JAMES_MAILBOX SET " + column + " = COALESCE(" + column + ", 0) + ? WHERE MAILBOX_ID = ?")) {
                update.setLong(1, blockSize);
                update.setLong(2, mailbox.getRawId());
                if (update.executeUpdate() == 0) {
                    throw new MailboxNotFoundException(mailbox);
                }
            }
            try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + column + " FROM JAMES_MAILBOX WHERE MAILBOX_ID = ?")) {
                select.setLong(1, mailbox.getRawId());
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            }
        });
    }
}
