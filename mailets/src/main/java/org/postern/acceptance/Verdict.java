package org.postern.acceptance;

/** The answer to one RCPT TO, as an SMTP reply code, an enhanced status and a text for the client. */
public record Verdict(Kind kind, String code, String status, String text) {
    public enum Kind { ACCEPT, UNKNOWN_RECIPIENT, RELAY_DENIED, TRY_LATER }

    public static final Verdict ACCEPT = new Verdict(Kind.ACCEPT, "250", "2.1.5", "Recipient OK");
    public static final Verdict RELAY_DENIED = new Verdict(Kind.RELAY_DENIED, "554", "5.7.1", "Relay access denied");

    static Verdict unknown(String address, String why) {
        return new Verdict(Kind.UNKNOWN_RECIPIENT, "550", "5.1.1", "<" + address + ">: Recipient address rejected: " + why);
    }

    static Verdict tryLater(String code, String status, String address, String why) {
        return new Verdict(Kind.TRY_LATER, code, status, "<" + address + ">: Recipient address rejected: " + why);
    }

    public boolean accepted() {
        return kind == Kind.ACCEPT;
    }
}
