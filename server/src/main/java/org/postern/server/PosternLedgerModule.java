package org.postern.server;

import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.dbcp2.BasicDataSource;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.webadmin.Routes;
import org.postern.ledger.DeliveryLedger;
import org.postern.ledger.JdbcDeliveryLedger;
import org.postern.ledger.LedgerRoutes;
import org.postern.ledger.LedgerSettings;
import org.postern.ledger.NoDeliveryLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.Multibinder;

/**
 * The delivery ledger in the mailbox database (a small connection pool of its own on the same URL), its webadmin
 * route, and the hourly purge of events older than {@code ledger.xml}'s retention.
 */
public class PosternLedgerModule extends AbstractModule {
    private static final Logger LOGGER = LoggerFactory.getLogger(PosternLedgerModule.class);

    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), Routes.class).addBinding().to(LedgerRoutes.class);
        bind(LedgerRetention.class).asEagerSingleton();
    }

    @Provides
    @Singleton
    LedgerSettings settings(ConfigurationProvider configuration) throws ConfigurationException {
        try {
            return LedgerSettings.from(configuration.getConfiguration("ledger"));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
    }

    @Provides
    @Singleton
    DeliveryLedger ledger(LedgerSettings settings, DatabaseConfiguration database) throws SQLException {
        if (!settings.enabled()) {
            return new NoDeliveryLedger();
        }
        BasicDataSource pool = new BasicDataSource();
        pool.setDriverClassName(database.driverClassName());
        pool.setUrl(database.url());
        database.username().ifPresent(pool::setUsername);
        database.password().ifPresent(pool::setPassword);
        pool.setMaxTotal(4);
        return new JdbcDeliveryLedger(pool, 100_000);
    }

    /** Forgets ledger events older than the retention, at start and every hour. */
    @Singleton
    static class LedgerRetention {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "postern-ledger-retention");
            thread.setDaemon(true);
            return thread;
        });

        @Inject
        LedgerRetention(DeliveryLedger ledger, LedgerSettings settings) {
            timer.scheduleWithFixedDelay(() -> {
                try {
                    int purged = ledger.purge(Instant.now().minus(settings.retention()));
                    if (purged > 0) {
                        LOGGER.info("ledger: {} events older than {} forgotten", purged, settings.retention());
                    }
                } catch (Exception e) {
                    LOGGER.warn("ledger: purge failed: {}", e.getMessage());
                }
            }, 1, 3600, TimeUnit.SECONDS);
        }

        @PreDestroy
        void stop() {
            timer.shutdownNow();
        }
    }
}
