package org.postern.acceptance;

/** What a callout learnt about one recipient. */
public sealed interface CalloutAnswer {
    /** The next hop accepted RCPT TO; {@code reply} is its answer. */
    record Exists(String host, String reply) implements CalloutAnswer {
    }

    /** The next hop refused RCPT TO with a 5xx. */
    record Unknown(String host, String reply) implements CalloutAnswer {
    }

    /**
     * The probe did not complete: {@code status} is the enhanced status Postern answers with (4.1.1 when the next
     * hop answered RCPT with a 4xx, 4.4.x when it could not be asked).
     */
    record TryLater(String status, String reason) implements CalloutAnswer {
    }
}
