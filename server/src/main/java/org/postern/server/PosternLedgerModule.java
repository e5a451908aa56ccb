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
import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.webadmin.Routes;
import org.postern.ledger.DeliveryLedger;
import org.postern.ledger.JdbcDeliveryLedger;
import org.postern.admin.LedgerRoutes;
import org.postern.ledger.LedgerSettings;
import org.postern.ledger.NoDeliveryLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.Multibinder;

/**
 * The delivery ledger, its webadmin route, and the hourly purge of events older than {@code ledger.xml}'s
 * retention. With PostgreSQL the ledger lives in the shared database (a small connection pool of its own), so every
 * node's events are in one place, each with the name of its node ({@code node.name}); with embedded Derby, in a SQLite file of its own ({@code store/ledger.db}): a
 * Derby insert with the ledger's indexes costs about 0.4 ms of CPU, several per relayed message. Events an earlier
 * version kept in Derby are moved there at the first start ({@link LedgerUpgrade}).
 */
public class PosternLedgerModule extends AbstractModule {
    private static final Logger LOGGER = LoggerFactory.getLogger(PosternLedgerModule.class);
    static final String LEDGER_FILE = "store/ledger.db";

    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), Routes.class).addBinding().to(LedgerRoutes.class);
        bind(LedgerRetention.class).asEagerSingleton();
    }

    @Provides
    @Singleton
    LedgerSettings settings(ConfigurationProvider configuration) throws ConfigurationException {
        return LedgerSettings.from(configuration.getConfiguration("ledger"));
    }

    @Provides
    @Singleton
    DeliveryLedger ledger(LedgerSettings settings, DatabaseConfiguration database, JamesDirectoriesProvider directories)
            throws SQLException {
        if (!settings.enabled()) {
            return new NoDeliveryLedger();
        }
        BasicDataSource shared = new BasicDataSource();
        shared.setDriverClassName(database.driverClassName());
        shared.setUrl(database.url());
        database.username().ifPresent(shared::setUsername);
        database.password().ifPresent(shared::setPassword);
        shared.setMaxTotal(4);
        if (!database.isDerby()) {
            return new JdbcDeliveryLedger(shared, 100_000, database.nodeName());
        }
        java.nio.file.Path file = java.nio.file.Path.of(directories.getRootDirectory(), LEDGER_FILE);
        try {
            java.nio.file.Files.createDirectories(file.getParent());
        } catch (java.io.IOException e) {
            throw new SQLException("cannot create " + file.getParent() + ": " + e.getMessage(), e);
        }
        BasicDataSource local = new BasicDataSource();
        local.setDriverClassName("org.sqlite.JDBC");
        local.setUrl("jdbc:sqlite:" + file);
        // evidence, not mail: the last moment of events may be lost in a power cut, so no sync per batch
        local.setConnectionInitSqls(java.util.List.of("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=10000"));
        local.setMaxTotal(4);
        JdbcDeliveryLedger ledger = new JdbcDeliveryLedger(local, 100_000, database.nodeName());
        try {
            LedgerUpgrade.fromDerby(shared, local);
        } finally {
            try {
                shared.close();
            } catch (SQLException e) {
                LOGGER.debug("closing the upgrade's Derby pool", e);
            }
        }
        return ledger;
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
