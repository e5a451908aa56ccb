package org.postern.dsn;

import java.net.InetAddress;

import org.apache.commons.configuration2.Configuration;
import org.apache.james.server.core.configuration.ConfigurationProvider;

/**
 * The one host name Postern signs its notices with (Reporting-MTA, From MAILER-DAEMON@…, Message-ID): the
 * {@code <heloName>} of delivery.xml, which is also the name the delivery routes give in EHLO, else this host's name.
 */
public final class ReportingMta {
    private ReportingMta() {
    }

    /** From the conf directory's delivery.xml (read, not validated: the delivery routes validate it at start). */
    public static String of(ConfigurationProvider configuration) {
        try {
            Configuration delivery = configuration.getConfiguration("delivery");
            String heloName = delivery.getString("heloName", "").trim();
            return heloName.isEmpty() ? localHostName() : heloName;
        } catch (Exception e) {
            return localHostName();
        }
    }

    /** This host's canonical name, "localhost" when it has none that is a plain host name. */
    public static String localHostName() {
        try {
            String name = InetAddress.getLocalHost().getCanonicalHostName();
            return name.matches("[A-Za-z0-9.-]+") ? name : "localhost";
        } catch (Exception e) {
            return "localhost";
        }
    }
}
