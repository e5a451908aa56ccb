package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.apache.commons.configuration2.PropertiesConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatabaseConfigurationTest {
    static final Path DATA = Path.of("/srv/postern");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jdbc:derby:store/derby;create=true   | jdbc:derby:/srv/postern/store/derby;create=true",
        "jdbc:derby:store/derby               | jdbc:derby:/srv/postern/store/derby",
        "jdbc:derby:/abs/derby;create=true    | jdbc:derby:/abs/derby;create=true",
        "jdbc:derby:memory:x;create=true      | jdbc:derby:memory:x;create=true",
        "jdbc:postgresql://db:5432/postern    | jdbc:postgresql://db:5432/postern"})
    void relativeDerbyPathsShouldLiveInTheDataDirectory(String url, String expected) {
        assertThat(DatabaseConfiguration.resolveDerbyPath(url, DATA)).isEqualTo(expected);
    }

    @Test
    void postgresqlSettingsShouldBeRead() {
        PropertiesConfiguration file = new PropertiesConfiguration();
        file.addProperty("database.driverClassName", "org.postgresql.Driver");
        file.addProperty("database.url", "jdbc:postgresql://localhost/postern");
        file.addProperty("database.username", "postern");
        file.addProperty("database.password", "secret");

        DatabaseConfiguration configuration = DatabaseConfiguration.from(file, DATA);

        assertThat(configuration.isDerby()).isFalse();
        assertThat(configuration.username()).contains("postern");
        assertThat(configuration.maxConnections()).isEqualTo(DatabaseConfiguration.DEFAULT_MAX_CONNECTIONS);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "org.apache.derby.jdbc.EmbeddedDriver | ''                  | 64 | <database.url> = '': is required",
        "org.example.NoDriver                 | jdbc:derby:x        | 64 | <database.driverClassName> = 'org.example.NoDriver': no such JDBC driver",
        "org.apache.derby.jdbc.EmbeddedDriver | derby:x             | 64 | <database.url> = 'derby:x': must be a JDBC URL",
        "org.apache.derby.jdbc.EmbeddedDriver | jdbc:derby:x        | -1 | <datasource.maxTotal> = '-1': must be a positive whole number"})
    void badSettingsShouldNameTheKeyAndValue(String driver, String url, String max, String message) {
        PropertiesConfiguration file = new PropertiesConfiguration();
        file.addProperty("database.driverClassName", driver);
        file.addProperty("database.url", url);
        file.addProperty("datasource.maxTotal", max);

        assertThatThrownBy(() -> DatabaseConfiguration.from(file, DATA))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessage("james-database.properties: " + message + messageTail(message));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"'' | 10000", "0 | 0", "1500ms | 1500", "2m | 120000"})
    void theCacheLifetimeShouldBeADurationOrZero(String ttl, long millis) {
        PropertiesConfiguration file = new PropertiesConfiguration();
        file.addProperty("database.driverClassName", "org.apache.derby.jdbc.EmbeddedDriver");
        file.addProperty("database.url", "jdbc:derby:x");
        if (!ttl.isEmpty()) {
            file.addProperty("cache.ttl", ttl);
        }

        assertThat(DatabaseConfiguration.from(file, DATA).cacheTtl().toMillis()).isEqualTo(millis);
    }

    @Test
    void theNodeNameShouldBeTheMachinesUnlessSet() {
        PropertiesConfiguration file = new PropertiesConfiguration();
        file.addProperty("database.driverClassName", "org.apache.derby.jdbc.EmbeddedDriver");
        file.addProperty("database.url", "jdbc:derby:x");
        String unset = DatabaseConfiguration.from(file, DATA).nodeName();
        file.addProperty("node.name", "mx2.example.org");

        assertThat(unset).isEqualTo(DatabaseConfiguration.machineName()).isNotBlank();
        assertThat(DatabaseConfiguration.from(file, DATA).nodeName()).isEqualTo("mx2.example.org");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"''", "mx 2", "-mx2", "mx/2"})
    void aBadNodeNameShouldNameTheKeyAndValue(String name) {
        PropertiesConfiguration file = new PropertiesConfiguration();
        file.addProperty("database.driverClassName", "org.apache.derby.jdbc.EmbeddedDriver");
        file.addProperty("database.url", "jdbc:derby:x");
        file.addProperty("node.name", name);

        assertThatThrownBy(() -> DatabaseConfiguration.from(file, DATA))
            .hasMessageStartingWith("james-database.properties: <node.name> = '" + name + "': must be 1 to 64 letters");
    }

    @Test
    void aBadCacheLifetimeShouldNameTheKeyAndValue() {
        PropertiesConfiguration file = new PropertiesConfiguration();
        file.addProperty("database.driverClassName", "org.apache.derby.jdbc.EmbeddedDriver");
        file.addProperty("database.url", "jdbc:derby:x");
        file.addProperty("cache.ttl", "soon");

        assertThatThrownBy(() -> DatabaseConfiguration.from(file, DATA))
            .hasMessage("james-database.properties: <cache.ttl> = 'soon': must be a duration (500ms, 10s, 1m) or 0 for no cache");
    }

    private static String messageTail(String message) {
        if (message.contains("no such JDBC driver")) {
            return " on the classpath (Derby and PostgreSQL are shipped)";
        }
        if (message.contains("must be a JDBC URL")) {
            return " (jdbc:...)";
        }
        return "";
    }
}
