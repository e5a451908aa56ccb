package org.postern.smtp.client;

/** A user name and password for AUTH towards a smarthost; the password never appears in logs or toString. */
public record Credentials(String user, String password) {
    @Override
    public String toString() {
        return "Credentials[user=" + user + ", password=***]";
    }
}
