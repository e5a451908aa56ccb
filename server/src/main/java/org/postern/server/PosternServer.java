package org.postern.server;

import java.nio.file.Path;

import org.apache.james.GuiceJamesServer;
import org.apache.james.modules.MailboxModule;
import org.apache.james.modules.MailetProcessingModule;
import org.apache.james.modules.RunArgumentsModule;
import org.apache.james.modules.mailbox.DefaultEventModule;
import org.apache.james.modules.mailbox.MemoryDeadLetterModule;
import org.apache.james.modules.protocols.ProtocolHandlerModule;
import org.apache.james.modules.server.DataRoutesModules;
import org.apache.james.modules.server.DefaultProcessorsConfigurationProviderModule;
import org.apache.james.modules.server.MailQueueRoutesModule;
import org.apache.james.modules.server.MailRepositoriesRoutesModule;
import org.apache.james.modules.server.NoJwtModule;
import org.apache.james.modules.server.RawPostDequeueDecoratorModule;
import org.apache.james.modules.server.TaskManagerModule;
import org.apache.james.modules.server.WebAdminServerModule;
import org.apache.james.NaiveDelegationStoreModule;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.server.core.configuration.FileConfigurationProvider;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.apache.james.webadmin.WebAdminConfiguration;
import org.postern.camel.DeliveryRoutesModule;

import com.google.inject.Module;
import com.google.inject.util.Modules;

/**
 * The Postern assembly: James 3.8.1's SMTP and POP3 servers, spool and mailet container, webadmin, mailboxes and
 * data on JPA (embedded Derby by default), and persistent queues on embedded ActiveMQ, under one data directory;
 * routed mail leaves through the Camel delivery routes ({@link DeliveryRoutesModule}).
 */
public final class PosternServer {
    /** James generates a self-signed keystore for every TLS listener whose keystore file is missing. */
    private static final String[] GENERATE_MISSING_KEYSTORE = {"--generate-keystore"};

    /** SMTP and POP3, opened last by {@link #openListeners}. */
    static final Module PROTOCOLS = Modules.combine(
        new ProtocolHandlerModule(),
        new MailListenersModule());

    static final Module WEBADMIN = Modules.combine(
        new WebAdminServerModule(),
        new NoJwtModule(),
        new DataRoutesModules(),
        new MailQueueRoutesModule(),
        new MailRepositoriesRoutesModule(),
        new PosternAdminModule());

    static final Module MAIL_PROCESSING = Modules.combine(
        new MailetProcessingModule(),
        new DefaultProcessorsConfigurationProviderModule(),
        new RawPostDequeueDecoratorModule(),
        new NaiveDelegationStoreModule(),
        new TaskManagerModule());

    /** The Camel delivery routes; a stock James loads them through extensions.properties instead. */
    static final Module DELIVERY = new DeliveryRoutesModule();

    static final Module STORAGE = Modules.combine(
        new MailboxModule(),
        new DefaultEventModule(),
        new MemoryDeadLetterModule(),
        new PosternMailboxModule(),
        new PosternJpaDataModule(),
        new PosternQueueModule(),
        new PosternLedgerModule(),
        new PosternPop3LockModule());

    static {
        // Start-up failures must reach our launcher, which prints them on one line, instead of a bare System.exit.
        if (System.getProperty("james.exit.on.startup.error") == null) {
            System.setProperty("james.exit.on.startup.error", "false");
        }
    }

    private PosternServer() {
    }

    /**
     * Opens the SMTP and POP3 listeners of a started server: call it once everything a client may need is there
     * (dev mode seeds its demo data before). Returns the listeners and their addresses, for the ready line.
     */
    public static String openListeners(GuiceJamesServer server) throws Exception {
        return server.getProbe(MailListeners.class).open();
    }

    public static GuiceJamesServer create(Path conf, Path data, Listeners listeners) {
        return create(conf, data, listeners, true);
    }

    /** {@code deliveryRoutes} false: as a stock James would be, for the extensions.properties form. */
    static GuiceJamesServer create(Path conf, Path data, Listeners listeners, boolean deliveryRoutes) {
        Configuration configuration = new Configuration.Basic(
            new Configuration.ConfigurationPath("file://conf/"), new PosternDirectories(conf, data));
        GuiceJamesServer server = GuiceJamesServer.forConfiguration(configuration)
            .combineWith(PROTOCOLS, WEBADMIN, MAIL_PROCESSING, STORAGE, deliveryRoutes ? DELIVERY : Modules.EMPTY_MODULE)
            .overrideWith(new RunArgumentsModule(GENERATE_MISSING_KEYSTORE));
        ConfigurationProvider files = new FileConfigurationProvider(new FileSystemImpl(configuration.directories()), configuration);
        return server.overrideWith(binder -> {
            binder.bind(ConfigurationProvider.class).toInstance(new OverlayConfigurationProvider(files, listeners));
            listeners.webAdminPort().ifPresent(port -> binder.bind(WebAdminConfiguration.class)
                .toProvider(new RelocatedWebAdmin(port, listeners.host().orElse("127.0.0.1"))));
        });
    }
}
