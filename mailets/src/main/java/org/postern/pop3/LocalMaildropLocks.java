package org.postern.pop3;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.inject.Singleton;

/** Maildrop locks kept in this process: enough where one James serves the mailboxes. */
@Singleton
public class LocalMaildropLocks implements MaildropLocks {
    private final Map<String, String> holders = new ConcurrentHashMap<>();

    @Override
    public boolean acquire(String mailbox, String session) {
        return holders.putIfAbsent(mailbox, session) == null;
    }

    @Override
    public void release(String mailbox, String session) {
        holders.remove(mailbox, session);
    }
}
