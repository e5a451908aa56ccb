package org.postern.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.io.FileHandler;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.junit.jupiter.api.Test;

/** Where the server's one name comes from, and what earlier configurations that named it elsewhere get. */
class HostNameTest {
    private static final String LISTENERS = "<smtpservers>"
        + "<smtpserver><jmxName>smtpserver-mx</jmxName>%s<smtpGreeting>%s</smtpGreeting></smtpserver>"
        + "<smtpserver><jmxName>smtpserver-submission</jmxName>%s<smtpGreeting>Postern ESMTP</smtpGreeting></smtpserver>"
        + "</smtpservers>";

    /** The conf files as text, by component ("postern", "delivery", …); missing ones are empty. */
    private static ConfigurationProvider files(Map<String, String> xml) {
        return (component, level) -> {
            XMLConfiguration configuration = new XMLConfiguration();
            if (xml.containsKey(component)) {
                new FileHandler(configuration).load(new StringReader(xml.get(component)));
            }
            return configuration;
        };
    }

    private static String listeners(String helloName, String greeting) {
        return String.format(LISTENERS, helloName, greeting, helloName);
    }

    @Test
    void hostnameOfPosternXmlShouldBeTheName() throws Exception {
        HostName name = HostName.resolve(files(Map.of("postern", "<postern><hostname>mail.example.org</hostname></postern>",
            "smtpserver", listeners("", "Postern ESMTP"))));

        assertThat(name).isEqualTo(new HostName("mail.example.org", Optional.empty()));
    }

    @Test
    void withoutAnyNameTheMachinesNameShouldBeUsed() throws Exception {
        assertThat(HostName.resolve(files(Map.of("smtpserver", listeners("<helloName autodetect=\"true\">x.example</helloName>", "Postern ESMTP")))).value())
            .isEqualTo(HostName.localHostName());
    }

    @Test
    void earlierPlacesAgreeingWithHostnameShouldKeepWorking() throws Exception {
        HostName name = HostName.resolve(files(Map.of("postern", "<postern><hostname>mx.example.org</hostname></postern>",
            "delivery", "<delivery><heloName>mx.example.org</heloName></delivery>",
            "smtpserver", listeners("<helloName autodetect=\"false\">MX.example.org</helloName>", "mx.example.org Postern ESMTP"))));

        assertThat(name.value()).isEqualTo("mx.example.org");
    }

    @Test
    void anEarlierPlaceNamingAnotherHostShouldStopStartUpSayingWhatToRemove() {
        assertThatThrownBy(() -> HostName.resolve(files(Map.of("postern", "<postern><hostname>mx.example.org</hostname></postern>",
                "delivery", "<delivery><heloName>old.example.org</heloName></delivery>"))))
            .isInstanceOf(ConfigurationException.class)
            .hasMessage("delivery.xml <heloName> = 'old.example.org' differs from <hostname> 'mx.example.org' of postern.xml: "
                + "remove it (the host name is set once, as <hostname> in postern.xml)");
    }

    @Test
    void withoutHostnameTheNameEveryEarlierPlaceGivesShouldBeAdopted() throws Exception {
        HostName name = HostName.resolve(files(Map.of(
            "relaydomains", "<relaydomains><callout><heloName>old.example.org</heloName></callout></relaydomains>",
            "smtpserver", listeners("<helloName autodetect=\"false\">old.example.org</helloName>", "old.example.org Postern ESMTP"))));

        assertThat(name).isEqualTo(new HostName("old.example.org", Optional.of("relaydomains.xml <callout><heloName>")));
    }

    @Test
    void earlierPlacesThatDisagreeShouldStopStartUpSayingWhatToWrite() {
        assertThatThrownBy(() -> HostName.resolve(files(Map.of(
                "delivery", "<delivery><heloName>a.example.org</heloName></delivery>",
                "smtpserver", listeners("", "b.example.org Postern ESMTP")))))
            .isInstanceOf(ConfigurationException.class)
            .hasMessage("the server is named differently in delivery.xml <heloName> 'a.example.org', "
                + "smtpserver.xml smtpserver-mx <smtpGreeting> 'b.example.org': "
                + "write <postern><hostname>NAME</hostname></postern> in postern.xml and remove those elements");
    }

    @Test
    void aMisspeltElementOfPosternXmlShouldStopStartUp() {
        assertThatThrownBy(() -> HostName.resolve(files(Map.of("postern", "<postern><hostName>mail.example.org</hostName></postern>")))
            ).hasMessage("postern.xml: unknown element <hostName>; known at the top: hostname");
    }

    @Test
    void aHostnameThatIsNoHostNameShouldStopStartUp() {
        assertThatThrownBy(() -> HostName.resolve(files(Map.of("postern", "<postern><hostname>mail example</hostname></postern>")))
            ).hasMessage("postern.xml: <hostname> = 'mail example': must be a host name such as mail.example.org");
    }

    @Test
    void theGreetingShouldStartWithTheNameOnce() {
        HostName name = HostName.of("mx.example.org");

        assertThat(name.greeting("Postern ESMTP")).isEqualTo("mx.example.org Postern ESMTP");
        assertThat(name.greeting("old.example.org Postern ESMTP")).isEqualTo("mx.example.org Postern ESMTP");
        assertThat(name.greeting(null)).isEqualTo("mx.example.org");
    }
}
