package org.postern.pop3;

import com.google.inject.ImplementedBy;

/**
 * The exclusive-access lock on a maildrop that RFC 1939 asks of a POP3 server: one session at a time per mailbox,
 * from login until the connection closes, so that two clients never download and delete the same messages from two
 * snapshots. A second login gets {@code -ERR [IN-USE]} (RFC 2449). Without Postern's server module (a stock James)
 * the locks are this process's ({@link LocalMaildropLocks}); nodes sharing PostgreSQL share theirs in a table
 * ({@link JdbcMaildropLocks}).
 */
@ImplementedBy(LocalMaildropLocks.class)
public interface MaildropLocks {
    /** Takes the lock of {@code mailbox} for {@code session}; false when another session holds it. */
    boolean acquire(String mailbox, String session) throws LockUnavailableException;

    /** Gives back the lock of {@code mailbox} if {@code session} holds it. */
    void release(String mailbox, String session);

    /** The locks cannot be read or written now (the database is unreachable): the login is refused for now. */
    class LockUnavailableException extends Exception {
        public LockUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
