package org.postern.dsn;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.postern.config.HostName;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.GenericMailet;
import org.postern.ledger.DeliveryLedger;
import org.postern.ledger.LedgerEvent;
import org.postern.ledger.LedgerEvents;
import org.postern.ledger.QueueIds;
import org.postern.routing.RoutingAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the sender that the mail failed for its recipients, with Postern's one RFC 3464 writer ({@link DsnReport}),
 * the same notice the delivery routes send: {@code Action: failed}, the real enhanced status and diagnostic,
 * Reporting-MTA and From {@code MAILER-DAEMON@} the configured host name ({@link HostName}), an empty reverse
 * path. It replaces James's {@code Bounce} and {@code DSNBounce} in every processor that gives up on a mail.
 *
 * <p>The status and diagnostic come from, in this order: the routing error recorded by {@code ResolveNextHop}
 * ({@code 5.1.10} null MX, {@code 5.1.2} no such domain, a transport {@code error:} entry); a status at the start of
 * the mail's error message (a {@code ToProcessor} notice such as {@code 550 5.1.1 unknown recipient}); the
 * {@code status} parameter (default {@code 5.0.0}) with the {@code diagnostic} parameter, else the error message.</p>
 *
 * <p>Only the recipients whose NOTIFY asks for failures are listed ({@link DsnRequest}: absent NOTIFY does, NEVER
 * does not); none, or a mail from the null sender, means no notice. The whole message is returned unless RET=HDRS.
 * The mail itself goes on unchanged: end the processor with {@code ToRepository} or {@code Null}.</p>
 *
 * <pre>{@code
 * <mailet match="All" class="org.postern.dsn.SendFailureNotice">
 *     <status>5.1.1</status>
 *     <diagnostic>no such user here</diagnostic>
 * </mailet>
 * }</pre>
 */
public class SendFailureNotice extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(SendFailureNotice.class);
    private static final Pattern STATUS = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");
    private static final Pattern STATUS_FIRST = Pattern.compile("(?:[245]\\d\\d[ -]+)?([245]\\.\\d{1,3}\\.\\d{1,3})\\s+(.+)");

    private final ConfigurationProvider configuration;
    private final DeliveryLedger ledger;
    private final Clock clock;
    private String status;
    private Optional<String> diagnostic;
    private DsnReport report;

    @Inject
    public SendFailureNotice(ConfigurationProvider configuration, DeliveryLedger ledger) {
        this(configuration, ledger, Clock.systemUTC());
    }

    SendFailureNotice(ConfigurationProvider configuration, DeliveryLedger ledger, Clock clock) {
        this.configuration = configuration;
        this.ledger = ledger;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("status", "diagnostic", "onMailetException"));
        status = getInitParameter("status", "5.0.0").trim();
        if (!STATUS.matcher(status).matches() || status.startsWith("2")) {
            throw new MailetException(getMailetName() + ": 'status' = '" + status + "': must be an enhanced status code such as 5.1.1");
        }
        diagnostic = Optional.ofNullable(getInitParameter("diagnostic")).map(String::trim).filter(text -> !text.isEmpty());
        report = new DsnReport(hostName());
    }

    private String hostName() throws MailetException {
        try {
            return HostName.resolve(configuration).value();
        } catch (ConfigurationException e) {
            throw new MailetException(getMailetName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (mail.getMaybeSender().isNullSender()) {
            LOGGER.info("{}: failed, sender is the null sender: no notification", mail.getName());
            return;
        }
        DsnRequest dsn = DsnRequest.of(mail);
        List<MailAddress> notified = mail.getRecipients().stream()
            .filter(recipient -> dsn.due(recipient.asString(), DsnRequest.Kind.FAILURE))
            .toList();
        if (notified.isEmpty()) {
            LOGGER.info("{}: failed, NOTIFY asks for no failure notification", mail.getName());
            return;
        }
        Reason reason = reason(mail);
        ByteArrayOutputStream original = new ByteArrayOutputStream();
        try {
            mail.getMessage().writeTo(original);
        } catch (java.io.IOException e) {
            throw new MessagingException(mail.getName() + ": the message cannot be read for its failure notice", e);
        }
        Instant now = clock.instant();
        byte[] bytes = report.build(DsnReport.Action.FAILED, mail.getMaybeSender().asString(),
            new DsnReport.Original(QueueIds.of(mail.getName()), mail.getLastUpdated() == null ? now : mail.getLastUpdated().toInstant(),
                dsn.decodedEnvId(), original.toByteArray()),
            notified.stream().map(recipient -> new DsnReport.Entry(recipient.asString(), dsn.originalRecipient(recipient.asString()),
                reason.status(), Optional.empty(), Optional.of(reason.diagnostic()), false, Optional.empty())).toList(),
            dsn.returnsFullMessage(DsnRequest.Kind.FAILURE), now);
        MailImpl notice = NotificationMail.to(mail.getMaybeSender().asString(), bytes);
        try {
            getMailetContext().sendMail(notice);
        } finally {
            notice.dispose();
        }
        notified.forEach(recipient -> ledger.record(LedgerEvents.of(mail, recipient, LedgerEvent.Kind.DSN)
            .withDetail("failure " + notice.getName())));
        LOGGER.info("{}: sender non-delivery notification {} to <{}>: {} {} for {}", mail.getName(), notice.getName(),
            mail.getMaybeSender().asString(), reason.status(), reason.diagnostic(), notified);
    }

    /** Why the mail failed, as the notice says it. */
    record Reason(String status, String diagnostic) {
    }

    /** The routing error, else a status leading the error message, else the parameters. */
    Reason reason(Mail mail) {
        Optional<String> routingError = mail.getAttribute(RoutingAttributes.ERROR)
            .flatMap(attribute -> attribute.getValue().valueAs(String.class));
        Optional<String> errorMessage = Optional.ofNullable(mail.getErrorMessage())
            .map(message -> message.lines().filter(line -> !line.isBlank()).reduce((first, last) -> last).orElse(""))
            .map(String::trim)
            .filter(message -> !message.isEmpty());
        for (Optional<String> text : List.of(routingError, errorMessage)) {
            Optional<Matcher> leading = text.map(STATUS_FIRST::matcher).filter(Matcher::matches);
            if (leading.isPresent()) {
                return new Reason(leading.get().group(1), leading.get().group(2));
            }
        }
        return new Reason(status, diagnostic.or(() -> errorMessage).orElse("delivery failed"));
    }

    @Override
    public String getMailetInfo() {
        return "Postern: RFC 3464 failure notice to the sender";
    }
}
