package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.pop3.Pop3Authentication;

/** Every element of the hardening handlers is validated through init(): a bad value names file, handler, element and value. */
class HardeningHandlerSettingsTest {
    private static ProtocolHandler handler(String name) {
        return switch (name) {
            case "StrictAuthCmdHandler" -> new StrictAuthCmdHandler();
            case "ConnectionLimits" -> new ConnectionLimits();
            case "SessionTimeLimits" -> new SessionTimeLimits(new SessionTimers());
            case "Pop3Authentication" -> new Pop3Authentication(null, null, null, new org.postern.pop3.LocalMaildropLocks());
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest(name = "{0} <{1}>{2}")
    @CsvSource({
        "StrictAuthCmdHandler, maxFailures, 0, smtpserver.xml, a whole number of at least 1",
        "StrictAuthCmdHandler, maxFailures, three, smtpserver.xml, a whole number of at least 1",
        "ConnectionLimits, maxConnections, -1, smtpserver.xml, a whole number of at least 1",
        "ConnectionLimits, maxConnectionsPerClient, many, smtpserver.xml, a whole number of at least 1",
        "SessionTimeLimits, idleTimeout, 300, smtpserver.xml, a duration",
        "SessionTimeLimits, transactionTimeout, 0s, smtpserver.xml, a duration",
        "Pop3Authentication, requireSSL, yes, pop3server.xml, true or false",
    })
    void initShouldRefuseABadValueNamingFileHandlerElementAndValue(String handler, String element, String value, String file,
                                                                   String rule) {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty(element, value);

        assertThatThrownBy(() -> handler(handler).init(config))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining(file).hasMessageContaining(handler).hasMessageContaining("<" + element + "> = '" + value + "'")
            .hasMessageContaining(rule);
    }

    @ParameterizedTest(name = "{0} <{1}>")
    @CsvSource({
        "StrictAuthCmdHandler, maxFailure, smtpserver.xml, maxFailures",
        "ConnectionLimits, maxConnection, smtpserver.xml, 'maxConnections, maxConnectionsPerClient'",
        "SessionTimeLimits, idleTimeOut, smtpserver.xml, 'idleTimeout, transactionTimeout'",
        "Pop3Authentication, requireTLS, pop3server.xml, requireSSL",
    })
    void initShouldRefuseAnUnknownElementNamingFileHandlerAndTheKnownOnes(String handler, String element, String file, String known) {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("[@class]", "org.postern." + handler);
        config.addProperty(element, "1");

        assertThatThrownBy(() -> handler(handler).init(config))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining(file).hasMessageContaining(handler)
            .hasMessageContaining("unknown element <" + element + ">; known: " + known);
    }

    @ParameterizedTest(name = "{0} <{1}>")
    @CsvSource({
        "StrictAuthCmdHandler, maxFailures.limit, 'unknown element <maxFailures/limit>: <maxFailures> holds a value only'",
        "ConnectionLimits, maxConnections[@perIp], 'unknown attribute <maxConnections@perIp>: <maxConnections> holds a value only'",
    })
    void initShouldRefuseWhatIsInsideAKnownElement(String handler, String key, String message) {
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("[@class]", "org.postern." + handler);
        config.addProperty(key, "1");

        assertThatThrownBy(() -> handler(handler).init(config))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("smtpserver.xml: <handler class=\"org.postern.smtp." + handler + "\"> has an " + message);
    }
}
