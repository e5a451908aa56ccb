package org.postern.queue;

import java.util.List;
import java.util.Optional;

import org.postern.routing.NextHop;

/**
 * What an administrator does to the outbound queue (Postfix's {@code mailq}, {@code postqueue -f/-s},
 * {@code postsuper -h/-H/-d}, plus bounce and re-route) and what ETRN asks of it: the queue backend provides it.
 * Every change is atomic per message: a message is either as it was or changed, never lost or doubled. A message
 * being delivered right now is not in the queue for that moment and so is not found.
 */
public interface QueueControl {
    /** The queued mails, at most {@code limit}, those with a recipient in {@code domain} and from {@code sender} when given. */
    List<QueuedMail> list(Optional<String> domain, Optional<String> sender, int limit) throws QueueException;

    /** The queued mail with this id; empty when it is not queued (or is being delivered right now). */
    Optional<QueuedMail> find(String id) throws QueueException;

    /** Makes every deferred, not held mail (with a recipient in {@code domain}, when given) due now; how many. */
    default int flush(Optional<String> domain) throws QueueException {
        return flush(domain, false);
    }

    /**
     * Makes every deferred, not held mail due now that has a recipient in {@code domain} (when given) or, when
     * {@code subdomains}, in a domain ending with {@code .domain}; how many. ETRN's flush.
     */
    int flush(Optional<String> domain, boolean subdomains) throws QueueException;

    /** Keeps the mail in the queue, never delivered (not by flush or ETRN either) until released; false if not queued. */
    boolean hold(String id) throws QueueException;

    /** Makes a held mail due now; false if no such mail is queued. Releasing a mail that is not held makes it due now. */
    boolean release(String id) throws QueueException;

    /** Removes the mail, nothing delivered and no notification; false if not queued. */
    boolean delete(String id) throws QueueException;

    /**
     * Removes the mail and sends its sender a failure DSN for every pending recipient (5.0.0, bounced by the
     * administrator); none for the null sender. False if not queued.
     */
    boolean bounce(String id) throws QueueException;

    /**
     * Gives every queued mail whose recipients are all in {@code domain} the next hop {@code nextHop}
     * ({@code smtp:[host]:port}, {@code smtp:host:port}, or {@code mx} for the domain's MX hosts), as routing would
     * record it for that domain ({@link NextHop#routedFor}), and makes it due now, unless held; how many.
     */
    int reroute(String domain, NextHop nextHop) throws QueueException;

    /** The queue cannot be read or written now. */
    class QueueException extends Exception {
        public QueueException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
