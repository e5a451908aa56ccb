package org.postern.smtp.client;

/**
 * SMTP (RFC 5321) or LMTP (RFC 2033): LMTP greets with LHLO and answers the end of data once per accepted
 * recipient, in RCPT order.
 */
public enum Protocol {
    SMTP("EHLO"), LMTP("LHLO");

    private final String hello;

    Protocol(String hello) {
        this.hello = hello;
    }

    String hello() {
        return hello;
    }
}
