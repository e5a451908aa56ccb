package org.postern.mailbox;

import java.util.Iterator;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.Header;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResultIterator;
import org.apache.james.user.api.UsersRepository;

/**
 * Answers "is a copy of this queue id already in the recipient's mailboxes?" by searching for the
 * {@value LocalDeliveryOnce#QUEUE_ID_HEADER} header. It reads the headers of every message of the user, so it runs only for the few mails
 * that were being delivered at the moment of a crash.
 */
class StoredCopyFinder {
    private final MailboxManager mailboxManager;
    private final UsersRepository usersRepository;

    StoredCopyFinder(MailboxManager mailboxManager, UsersRepository usersRepository) {
        this.mailboxManager = mailboxManager;
        this.usersRepository = usersRepository;
    }

    boolean exists(MailAddress recipient, String queueId) throws Exception {
        Username user = usersRepository.getUsername(recipient);
        MailboxSession session = mailboxManager.createSystemSession(user);
        try {
            for (MailboxPath path : mailboxManager.list(session)) {
                if (containsQueueId(mailboxManager.getMailbox(path, session), queueId, session)) {
                    return true;
                }
            }
            return false;
        } finally {
            mailboxManager.endProcessingRequest(session);
        }
    }

    private static boolean containsQueueId(MessageManager mailbox, String queueId, MailboxSession session) throws Exception {
        MessageResultIterator messages = mailbox.getMessages(MessageRange.all(), FetchGroup.HEADERS, session);
        while (messages.hasNext()) {
            Iterator<Header> headers = messages.next().getHeaders().headers();
            while (headers.hasNext()) {
                Header header = headers.next();
                if (header.getName().equalsIgnoreCase(LocalDeliveryOnce.QUEUE_ID_HEADER)
                    && header.getValue().trim().equals(queueId)) {
                    return true;
                }
            }
        }
        return false;
    }
}
