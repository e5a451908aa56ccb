package org.postern.mailbox;

import java.io.IOException;
import java.util.Set;

import javax.inject.Inject;
import javax.inject.Named;
import javax.mail.MessagingException;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.model.MailboxConstants;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.transport.mailets.delivery.MailDispatcher;
import org.apache.james.transport.mailets.delivery.MailboxAppenderImpl;
import org.apache.james.transport.mailets.delivery.SimpleMailStore;
import org.apache.james.user.api.UsersRepository;
import org.apache.mailet.Mail;
import org.postern.config.HostName;
import org.postern.ledger.DeliveryLedger;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.GenericMailet;
import org.apache.mailet.base.MailetUtil;

/**
 * Delivers mail for local users into their mailboxes, like James's {@code LocalDelivery}, but exactly once per
 * recipient even when the spool replays a mail after a crash (see {@link DeliveryJournal}).
 *
 * <p>Each stored copy carries an {@value #QUEUE_ID_HEADER} header naming the queue id, which lets an admin tie a
 * stored message to the SMTP reply and the logs, and lets a replay check whether the copy is already there.</p>
 *
 * <p>A recipient whose RCPT asked NOTIFY=SUCCESS gets its sender a "delivered" DSN once stored (RFC 3461).</p>
 *
 * <p>Parameters:</p>
 * <ul>
 *   <li>{@code journal}: where the journal lives, default {@code file://var/store/delivery-journal.log}
 *       (under the data directory)</li>
 *   <li>{@code retries}: storage retries per recipient, default 3</li>
 *   <li>{@code onMailetException}: processor for recipients that could not be stored, default {@code error}</li>
 * </ul>
 *
 * <pre>{@code
 * <mailet match="RecipientIsLocal" class="org.postern.mailbox.LocalDeliveryOnce"/>
 * }</pre>
 */
public class LocalDeliveryOnce extends GenericMailet {
    public static final String QUEUE_ID_HEADER = "X-Postern-Queue-Id";
    static final String DEFAULT_JOURNAL = "file://var/store/delivery-journal.log";
    static final String METRIC = "localDeliveredMails";

    private final UsersRepository usersRepository;
    private final MailboxManager mailboxManager;
    private final MetricFactory metricFactory;
    private final FileSystem fileSystem;
    private final DeliveryJournals journals;
    private final DeliveryLedger ledger;
    private MailDispatcher dispatcher;

    private final ConfigurationProvider configuration;

    @Inject
    public LocalDeliveryOnce(UsersRepository usersRepository, @Named("mailboxmanager") MailboxManager mailboxManager,
                             MetricFactory metricFactory, FileSystem fileSystem, DeliveryJournals journals, DeliveryLedger ledger,
                             ConfigurationProvider configuration) {
        this.configuration = configuration;
        this.usersRepository = usersRepository;
        this.mailboxManager = mailboxManager;
        this.metricFactory = metricFactory;
        this.fileSystem = fileSystem;
        this.journals = journals;
        this.ledger = ledger;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("journal", "retries", "onMailetException"));
        String journalUrl = getInitParameter("journal", DEFAULT_JOURNAL);
        DeliveryJournal journal;
        try {
            journal = journals.open(fileSystem.getFile(journalUrl).toPath());
        } catch (IOException e) {
            throw new MailetException(getMailetName() + ": 'journal' = '" + journalUrl + "': cannot be opened: " + e.getMessage(), e);
        }
        String hostName;
        try {
            hostName = HostName.resolve(configuration).value();
        } catch (org.apache.commons.configuration2.ex.ConfigurationException e) {
            throw new MailetException(getMailetName() + ": " + e.getMessage(), e);
        }
        SimpleMailStore mailboxes = SimpleMailStore.builder()
            .mailboxAppender(new MailboxAppenderImpl(mailboxManager))
            .usersRepository(usersRepository)
            .folder(MailboxConstants.INBOX)
            .metric(metricFactory.generate(METRIC))
            .build();
        dispatcher = MailDispatcher.builder()
            .mailStore(new LedgeredMailStore(new JournaledMailStore(mailboxes, journal, new StoredCopyFinder(mailboxManager, usersRepository)),
                ledger, new DeliveredNotice(getMailetContext(), ledger, hostName, java.time.Clock.systemUTC())))
            .consume(true)
            .onMailetException(getInitParameter("onMailetException", Mail.ERROR))
            .retries(MailetUtil.getInitParameterAsStrictlyPositiveInteger(getInitParameter("retries"), MailDispatcher.RETRIES))
            .mailetContext(getMailetContext())
            .build();
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        mail.getMessage().setHeader(QUEUE_ID_HEADER, mail.getName());
        dispatcher.dispatch(mail);
    }

    @Override
    public String getMailetInfo() {
        return "Postern local delivery, exactly once per recipient across crashes";
    }
}
