package org.postern.ledger;

/**
 * The queue id of a mail is the name James gave it at acceptance, the one in {@code 250 2.6.0 Message received:}.
 * When a matcher splits a mail, James names the part {@code <name>-!<number>}; the ledger files every part under
 * the accepted mail's id.
 */
public final class QueueIds {
    private QueueIds() {
    }

    public static String of(String mailName) {
        int split = mailName.indexOf("-!");
        return split < 0 ? mailName : mailName.substring(0, split);
    }
}
