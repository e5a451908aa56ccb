package org.postern.ledger;

import java.util.Arrays;
import java.util.Optional;

/** "What happened to this mail?" asked by one key: queue id, Message-ID, ENVID, sender or recipient. */
public record LedgerQuery(Key key, String value) {
    public enum Key {
        QUEUE_ID("queueId"), MESSAGE_ID("messageId"), ENVELOPE_ID("envelopeId"), SENDER("sender"), RECIPIENT("recipient");

        private final String parameter;

        Key(String parameter) {
            this.parameter = parameter;
        }

        /** The query parameter that names this key in webadmin. */
        public String parameter() {
            return parameter;
        }

        public static Optional<Key> ofParameter(String parameter) {
            return Arrays.stream(values()).filter(key -> key.parameter.equals(parameter)).findFirst();
        }
    }
}
