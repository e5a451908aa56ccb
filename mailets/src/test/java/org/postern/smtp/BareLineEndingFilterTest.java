package org.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which data lines (as James frames them, up to an LF) are refused; the server test drives the refusal over SMTP. */
class BareLineEndingFilterTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "'text<CR><LF>', false",
        "'<CR><LF>', false",
        "'..<CR><LF>', false",
        "'text<LF>', true",
        "'.<LF>', true",
        "'<LF>', true",
        "'te<CR>xt<CR><LF>', true",
        "'<CR>.<CR><LF>', true",
        "'text<CR><CR><LF>', true",
        "'<NUL>.<CR><LF>', true",
        "'no line end', true",
    })
    void lineShouldBeRefusedExactlyWhenItHasABareLineEndingOrNul(String line, boolean refused) {
        byte[] bytes = line.replace("<CR>", "\r").replace("<LF>", "\n").replace("<NUL>", "\0").getBytes(StandardCharsets.ISO_8859_1);

        assertThat(BareLineEndingFilter.hasBareLineEndingOrNul(bytes)).isEqualTo(refused);
    }
}
