package org.postern.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.time.Duration;

import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.io.FileHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LedgerSettingsTest {
    static LedgerSettings parse(String xml) throws Exception {
        XMLConfiguration conf = new XMLConfiguration();
        new FileHandler(conf).load(new StringReader(xml));
        return LedgerSettings.from(conf);
    }

    @Test
    void theRetentionShouldTakeJamesDurationSyntax() throws Exception {
        assertThat(parse("<ledger><enabled>false</enabled><retention>2 weeks</retention></ledger>"))
            .isEqualTo(new LedgerSettings(false, Duration.ofDays(14)));
        assertThat(parse("<ledger/>")).isEqualTo(LedgerSettings.DEFAULT);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "<ledger><enabled>yes</enabled></ledger>          | ledger.xml: <enabled> = 'yes': must be true or false",
        "<ledger><retention>30</retention></ledger>       | ledger.xml: <retention> = '30': must be a duration",
        "<ledger><retain>30d</retain></ledger>            | ledger.xml: unknown element <retain>",
        "<ledger><retention unit='d'>30</retention></ledger> | ledger.xml: unknown attribute <retention@unit>"})
    void aBadValueShouldNameTheFileTheElementAndTheValue(String xml, String message) {
        assertThatThrownBy(() -> parse(xml)).isInstanceOf(ConfigurationException.class).hasMessageStartingWith(message);
    }
}
