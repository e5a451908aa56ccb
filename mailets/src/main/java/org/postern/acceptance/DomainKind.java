package org.postern.acceptance;

/** The three kinds of domain a recipient can be in. */
public enum DomainKind {
    /** James's domain list: mail goes to mailboxes here. */
    LOCAL,
    /** relaydomains.xml: accepted from anyone and routed onward, once the recipient is verified. */
    RELAY,
    /** Anything else: accepted only from authenticated clients and trusted networks. */
    FOREIGN
}
