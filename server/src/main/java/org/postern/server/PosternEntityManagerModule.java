package org.postern.server;

import java.io.FileNotFoundException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import javax.inject.Singleton;
import javax.persistence.EntityManagerFactory;
import javax.persistence.Persistence;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.utils.PropertiesProvider;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

/**
 * One OpenJPA entity manager factory for every JPA store (mailboxes, users, domains, rewrites, repositories),
 * built from {@code james-database.properties} and the persistence unit "Global" in our META-INF/persistence.xml.
 * OpenJPA creates the missing tables when the first entity manager is made; on PostgreSQL, where several nodes may
 * start at once on a new database, that is done here under an advisory lock, one node after the other (else both
 * issue the same CREATE TABLE and one of them fails to start).
 */
public class PosternEntityManagerModule extends AbstractModule {
    private static final String PERSISTENCE_UNIT = "Global";

    @Provides
    @Singleton
    DatabaseConfiguration databaseConfiguration(PropertiesProvider propertiesProvider, JamesDirectoriesProvider directories)
            throws ConfigurationException {
        if (System.getProperty("derby.stream.error.file") == null) {
            // Derby writes its own log where it boots (when its driver is loaded): the data directory, not the cwd.
            System.setProperty("derby.stream.error.file",
                java.nio.file.Path.of(directories.getRootDirectory(), "store", "derby.log").toString());
        }
        try {
            return DatabaseConfiguration.from(propertiesProvider.getConfiguration("james-database"),
                java.nio.file.Path.of(directories.getRootDirectory()));
        } catch (FileNotFoundException e) {
            throw new InvalidConfigurationException(DatabaseConfiguration.FILE + ": file not found in the conf directory");
        }
    }

    @Provides
    @Singleton
    EntityManagerFactory entityManagerFactory(DatabaseConfiguration database) throws SQLException {
        EntityManagerFactory factory = open(database);
        if (database.url().startsWith("jdbc:postgresql:")) {
            createSchemaOneNodeAtATime(factory, database);
        }
        return factory;
    }

    /** "Postern" in ASCII: the advisory lock key nodes take while they bring the schema up to date. */
    private static final long SCHEMA_LOCK = 0x506f737465726eL;

    private static void createSchemaOneNodeAtATime(EntityManagerFactory factory, DatabaseConfiguration database) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database.url(), database.username().orElse(null),
                 database.password().orElse(null));
             Statement lock = connection.createStatement()) {
            lock.execute("SELECT pg_advisory_lock(" + SCHEMA_LOCK + ")");
            try {
                factory.createEntityManager().close();
            } finally {
                lock.execute("SELECT pg_advisory_unlock(" + SCHEMA_LOCK + ")");
            }
        }
    }

    /** The persistence unit on the database of {@code james-database.properties} (also for tests of the stores). */
    public static EntityManagerFactory open(DatabaseConfiguration database) {
        Map<String, String> properties = new HashMap<>();
        properties.put("openjpa.ConnectionDriverName", database.driverClassName());
        properties.put("openjpa.ConnectionURL", database.url());
        database.username().ifPresent(user -> properties.put("openjpa.ConnectionUserName", user));
        database.password().ifPresent(password -> properties.put("openjpa.ConnectionPassword", password));
        properties.put("openjpa.Multithreaded", "true");
        properties.put("openjpa.ConnectionProperties", "MaxTotal=" + database.maxConnections() + ",MaxIdle=" + database.maxConnections());
        properties.putAll(database.openJpaProperties());
        return Persistence.createEntityManagerFactory(PERSISTENCE_UNIT, properties);
    }
}
