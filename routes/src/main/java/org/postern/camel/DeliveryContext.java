package org.postern.camel;

import java.time.Clock;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.lifecycle.api.Startable;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.postern.config.HostName;
import org.postern.delivery.ConnectionCache;
import org.postern.delivery.DeliveryMetrics;
import org.postern.delivery.DeliverySettings;
import org.postern.delivery.DsnBuilder;
import org.postern.delivery.LedgerRecorder;
import org.postern.ledger.DeliveryLedger;
import org.postern.ledger.NoDeliveryLedger;
import org.postern.delivery.NextHopTargets;
import org.postern.delivery.SmtpDelivery;
import org.postern.delivery.tls.TransportSecurity;
import org.postern.queue.DirectDelivery;
import org.postern.routing.RoutingServices;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CamelContext living inside James: built from {@code delivery.xml} (read and checked once, at start), started
 * after James's own services and stopped with the server. It holds the delivery routes, the SMTP connection cache
 * and the {@code james-queue} component, and, once those routes run, the admin routes of {@code routes/*.xml}
 * ({@link AdminRouteFiles}).
 */
@Singleton
public class DeliveryContext implements Startable {
    private static final Logger LOGGER = LoggerFactory.getLogger(DeliveryContext.class);
    /**
     * System property set by {@code bin/postern check}'s trial start: admin routes are loaded (so a broken file still
     * stops it) but not started, since they may read folders or call out.
     */
    public static final String TRIAL_START_PROPERTY = "postern.trialStart";

    private final MailQueueFactory<?> queues;
    private final ConfigurationProvider configuration;
    private final RoutingServices routing;
    private final FileSystem fileSystem;
    private final DeliveryLedger ledger;
    private final DirectDelivery direct;
    private final DeliveryMetrics metrics;
    private CamelContext camel;
    private DirectDelivery.Route directRoute;
    private ConnectionCache cache;
    private TransportSecurity security;
    private DeliverySettings settings;

    /**
     * {@code ledger}: Postern's server binds the JDBC ledger; elsewhere {@link NoDeliveryLedger} (its default).
     * {@code direct}: where the relay processor's hand-off finds these routes for an attempt from the spool.
     */
    @Inject
    public DeliveryContext(MailQueueFactory<?> queues, ConfigurationProvider configuration, RoutingServices routing,
                           FileSystem fileSystem, DeliveryLedger ledger, DirectDelivery direct, DeliveryMetrics metrics) {
        this.queues = queues;
        this.configuration = configuration;
        this.routing = routing;
        this.fileSystem = fileSystem;
        this.ledger = ledger;
        this.direct = direct;
        this.metrics = metrics;
    }

    public synchronized void start() throws Exception {
        if (camel != null) {
            return;
        }
        settings = settings(configuration);
        Clock clock = Clock.systemUTC();
        cache = new ConnectionCache(settings.connectionCache());
        MailQueue outbound = queues.createQueue(MailQueueName.of(settings.queue()));
        MailQueue spool = queues.createQueue(MailQueueFactory.SPOOL);
        DefaultCamelContext context = new DefaultCamelContext();
        context.getCamelContextExtension().setName("postern-delivery");
        context.addComponent(JamesQueueComponent.SCHEME, new JamesQueueComponent(queues));
        LedgerRecorder recorder = new LedgerRecorder(ledger, clock);
        security = TransportSecurity.create(settings.tls(), confDirectory(), routing.dnsSettings(), routing.mxLookup(), clock);
        context.addRoutes(new OutboundDeliveryRoutes(settings.queue(), settings.threads(),
            new DeliverProcessor(new SmtpDelivery(settings, cache, recorder, security, metrics), new NextHopTargets(routing),
                settings.maxReceivedHeaders(), recorder),
            new ScheduleProcessor(settings.retry(), clock),
            new CountOutcomesProcessor(metrics),
            new BounceProcessor(spool, new DsnBuilder(settings.heloName()), clock, recorder, settings.retry(), settings.delayNotice()),
            RequeueProcessor.deferred(outbound, settings.retry(), recorder, clock),
            RequeueProcessor.afterError(outbound, settings.retry())));
        context.getRegistry().bind(MailSummaryProcessor.NAME, new MailSummaryProcessor());
        AdminRouteFiles adminRoutes = new AdminRouteFiles(adminRoutesFolder(),
            java.util.Set.of(settings.queue(), MailQueueFactory.SPOOL.asString()));
        context.start();
        LOGGER.info("Camel delivery routes started: queue {}, {} threads, retry {}", settings.queue(), settings.threads(), settings.retry());
        try {
            adminRoutes.loadInto(context, !Boolean.getBoolean(TRIAL_START_PROPERTY));
        } catch (ConfigurationException | RuntimeException e) {
            context.stop();
            cache.close();
            cache = null;
            throw e;
        }
        camel = context;
        ProducerTemplate attempts = context.createProducerTemplate();
        directRoute = mail -> attemptNow(context, attempts, mail);
        direct.open(directRoute);
    }

    /** One attempt of a mail from the spool through {@code direct:attempt}; false when its next hop declined it. */
    private static boolean attemptNow(CamelContext context, ProducerTemplate attempts, Mail mail) throws Exception {
        Exchange exchange = new DefaultExchange(context);
        DeliveryHeaders.prepare(exchange, mail);
        exchange.getIn().setHeader(DeliveryHeaders.DIRECT, true);
        Exchange done = attempts.send(OutboundDeliveryRoutes.ATTEMPT, exchange);
        if (done.getException() != null) {
            throw done.getException();
        }
        return done.getIn().getHeader(DeliveryHeaders.NOT_ATTEMPTED) == null;
    }

    /** The conf directory, which relative file names in delivery.xml start from. */
    private java.nio.file.Path confDirectory() {
        try {
            return fileSystem.getFile(FileSystem.FILE_PROTOCOL_AND_CONF).toPath();
        } catch (java.io.FileNotFoundException e) {
            return java.nio.file.Path.of(".");
        }
    }

    /** The conf directory's routes/ folder; null when there is none. */
    private java.nio.file.Path adminRoutesFolder() {
        try {
            return fileSystem.getFile(FileSystem.FILE_PROTOCOL_AND_CONF + AdminRouteFiles.FOLDER).toPath();
        } catch (java.io.FileNotFoundException e) {
            return null;
        }
    }

    /** delivery.xml's settings, with the server's one host name ({@link HostName}) for EHLO and notices. */
    static DeliverySettings settings(ConfigurationProvider configuration) throws ConfigurationException {
        return DeliverySettings.from(configuration.getConfiguration("delivery")).withHeloName(HostName.resolve(configuration).value());
    }

    @PreDestroy
    public synchronized void stop() {
        if (directRoute != null) {
            direct.close(directRoute);
            directRoute = null;
        }
        if (camel != null) {
            camel.stop();
            camel = null;
        }
        if (cache != null) {
            cache.close();
            cache = null;
        }
        if (security != null) {
            try {
                security.close();
            } catch (java.io.IOException e) {
                LOGGER.warn("closing the MTA-STS client: {}", e.getMessage());
            }
            security = null;
        }
    }

    public synchronized CamelContext camel() {
        return camel;
    }

    /** The TLS decisions of the running routes ({@code bin/postern explain}); empty until they started. */
    public synchronized java.util.Optional<TransportSecurity> security() {
        return java.util.Optional.ofNullable(camel == null ? null : security);
    }

    /** delivery.xml as the running routes read it; empty until they started. */
    public synchronized java.util.Optional<DeliverySettings> settings() {
        return java.util.Optional.ofNullable(camel == null ? null : settings);
    }
}
