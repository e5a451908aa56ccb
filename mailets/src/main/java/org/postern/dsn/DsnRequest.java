package org.postern.dsn;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.mailet.DsnParameters;
import org.apache.mailet.DsnParameters.Notify;
import org.apache.mailet.DsnParameters.Ret;
import org.apache.mailet.Mail;

/**
 * What the sender asked for in the SMTP transaction (RFC 3461): RET and ENVID of MAIL FROM, NOTIFY and ORCPT of
 * each RCPT TO, as James's DSN hooks put them on the mail ({@link Mail#dsnParameters()}, mail attributes that the
 * persistent queues keep). The one place that decides which notification is due for a recipient:
 *
 * <ul>
 *   <li>NOTIFY=NEVER: none, whatever happens.</li>
 *   <li>NOTIFY given: exactly the kinds it lists (SUCCESS for "delivered" and "relayed", FAILURE, DELAY).</li>
 *   <li>NOTIFY absent: RFC 3461 section 4.1 leaves it to the MTA; Postern uses FAILURE,DELAY (as Postfix and
 *       sendmail do): failures and one delay notice, no success notice.</li>
 * </ul>
 *
 * What a notification returns (RFC 3461 section 4.3): a failure returns the whole message unless RET=HDRS;
 * success and delay notices return the headers only.
 */
public record DsnRequest(Optional<String> envId, Optional<Ret> ret, Map<String, Recipient> recipients) {
    public static final DsnRequest NONE = new DsnRequest(Optional.empty(), Optional.empty(), Map.of());

    /** The kinds of notification a recipient can be due. */
    public enum Kind { FAILURE, DELAY, SUCCESS }

    /** NOTIFY (empty when not given) and ORCPT (the address, empty when not given) of one recipient. */
    public record Recipient(Optional<EnumSet<Notify>> notifyOn, Optional<String> orcpt) {
        static final Recipient NONE = new Recipient(Optional.empty(), Optional.empty());
    }

    public DsnRequest {
        recipients = Map.copyOf(recipients);
    }

    public static DsnRequest of(Mail mail) {
        return mail.dsnParameters().map(DsnRequest::of).orElse(NONE);
    }

    public static DsnRequest of(DsnParameters parameters) {
        return new DsnRequest(parameters.getEnvIdParameter().map(DsnParameters.EnvId::asString), parameters.getRetParameter(),
            parameters.getRcptParameters().entrySet().stream().collect(Collectors.toMap(
                entry -> key(entry.getKey().asString()),
                entry -> new Recipient(entry.getValue().getNotifyParameter().map(EnumSet::copyOf),
                    entry.getValue().getOrcptParameter().map(address -> address.asString())),
                (first, second) -> first)));
    }

    public Recipient recipient(String address) {
        return recipients.getOrDefault(key(address), Recipient.NONE);
    }

    /** Whether a notification of this kind is due for the recipient. */
    public boolean due(String address, Kind kind) {
        Optional<EnumSet<Notify>> notify = recipient(address).notifyOn();
        if (notify.isEmpty()) {
            return kind == Kind.FAILURE || kind == Kind.DELAY;
        }
        return switch (kind) {
            case FAILURE -> notify.get().contains(Notify.FAILURE);
            case DELAY -> notify.get().contains(Notify.DELAY);
            case SUCCESS -> notify.get().contains(Notify.SUCCESS);
        };
    }

    /** Whether a notification of this kind returns the whole message (else the headers only). */
    public boolean returnsFullMessage(Kind kind) {
        return kind == Kind.FAILURE && ret.orElse(Ret.FULL) == Ret.FULL;
    }

    /** The MAIL FROM parameters for a next hop that announced DSN: " RET=HDRS ENVID=xyz", or "". */
    public String mailParameters() {
        StringBuilder parameters = new StringBuilder();
        ret.ifPresent(value -> parameters.append(" RET=").append(value.name()));
        envId.ifPresent(value -> parameters.append(" ENVID=").append(value));
        return parameters.toString();
    }

    /** The RCPT TO parameters for a next hop that announced DSN: " NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a@b", or "". */
    public String rcptParameters(String address) {
        Recipient recipient = recipient(address);
        StringBuilder parameters = new StringBuilder();
        recipient.notifyOn().ifPresent(notify -> parameters.append(" NOTIFY=")
            .append(notify.stream().map(Notify::name).collect(Collectors.joining(","))));
        recipient.orcpt().ifPresent(orcpt -> parameters.append(" ORCPT=rfc822;").append(xtext(orcpt)));
        return parameters.toString();
    }

    /** ORCPT's address, decoded from xtext, for Original-Recipient. */
    public Optional<String> originalRecipient(String address) {
        return recipient(address).orcpt().map(orcpt -> DsnParameters.XText.isValid(orcpt) ? DsnParameters.XText.decode(orcpt) : orcpt);
    }

    /**
     * James keeps ORCPT's address part as the client sent it, still xtext-encoded ("a+2Bb@x" for "a+b@x"); a value
     * that is valid xtext goes on unchanged, anything else is encoded, so a "+" is never encoded twice.
     */
    private static String xtext(String orcpt) {
        return DsnParameters.XText.isValid(orcpt) ? orcpt : DsnParameters.XText.encode(orcpt);
    }

    /** ENVID as the sender gave it, decoded from xtext, for Original-Envelope-Id. */
    public Optional<String> decodedEnvId() {
        return envId.map(value -> {
            try {
                return DsnParameters.XText.decode(value);
            } catch (IllegalArgumentException e) {
                return value;
            }
        });
    }

    private static String key(String address) {
        return address.toLowerCase(Locale.ROOT);
    }
}
