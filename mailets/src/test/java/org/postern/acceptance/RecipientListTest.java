package org.postern.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.apache.james.core.MailAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecipientListTest {
    static RecipientList parse(String text) throws Exception {
        return RecipientList.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "relay-recipients.txt");
    }

    @Test
    void addressesAndWholeDomainsShouldMatchIgnoringCase() throws Exception {
        RecipientList list = parse("# partners\n\nalice@partner.test\n  Bob@Partner.Test  \n@open.test\n");

        assertThat(list.contains(new MailAddress("ALICE@partner.test"))).isTrue();
        assertThat(list.contains(new MailAddress("bob@PARTNER.test"))).isTrue();
        assertThat(list.contains(new MailAddress("anyone@open.test"))).isTrue();
        assertThat(list.contains(new MailAddress("carol@partner.test"))).isFalse();
        assertThat(list.contains(new MailAddress("alice@other.test"))).isFalse();
        assertThat(list.contains(new MailAddress("anyone@sub.open.test"))).isFalse();
        assertThat(list.size()).isEqualTo(3);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "alice                | 'alice': not an address",
        "alice@@partner.test  | 'alice@@partner.test': not an address",
        "@                    | '@': not a domain name",
        "@bad..domain         | '@bad..domain': not a domain name"})
    void aBadEntryShouldNameTheFileTheLineAndTheValue(String entry, String message) {
        assertThatThrownBy(() -> parse("ok@partner.test\n" + entry + "\n"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("relay-recipients.txt:2: " + message);
    }
}
