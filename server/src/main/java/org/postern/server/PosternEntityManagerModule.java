package org.postern.server;

import java.io.FileNotFoundException;
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
    EntityManagerFactory entityManagerFactory(DatabaseConfiguration database) {
        return open(database);
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
