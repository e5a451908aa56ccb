package org.postern.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.Set;

import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.io.FileHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Unknown elements and attributes are found at every level of a settings file read as James reads it. */
class KnownElementsTest {
    static final KnownElements DELIVERY_LIKE = new KnownElements("x.xml", Set.of("queue", "retry/first", "retry/max",
        "tls@level", "tls/nexthop@name", "tls/nexthop@level"));

    static XMLConfiguration xml(String text) throws Exception {
        XMLConfiguration xml = new XMLConfiguration();
        new FileHandler(xml).load(new StringReader(text));
        return xml;
    }

    @Test
    void aFileWithKnownElementsOnlyShouldPass() throws Exception {
        assertThat(DELIVERY_LIKE.unknownIn(xml("<x><queue>q</queue><retry><first>1m</first></retry><tls level='may'>"
            + "<nexthop name='mx:a.test' level='none'/></tls></x>"))).isEmpty();
        assertThat(DELIVERY_LIKE.unknownIn(xml("<x/>"))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "<x><queues>q</queues></x>                        | x.xml: unknown element <queues>; known at the top: queue, retry, tls",
        "<x><retry><frist>1m</frist></retry></x>           | x.xml: unknown element <retry/frist>; known in <retry>: first, max",
        "<x><retry><first>1m</first><max/><min/></retry></x> | x.xml: unknown element <retry/min>; known in <retry>: first, max",
        "<x><tls levle='may'/></x>                        | x.xml: unknown attribute <tls@levle>; known there: level",
        "<x><tls><nexthop name='a' mach='b'/></tls></x>   | x.xml: unknown attribute <tls/nexthop@mach>; known there: level, name",
        "<x><tls><host name='a'/></tls></x>               | x.xml: unknown element <tls/host>; known in <tls>: nexthop",
        "<x version='2'/>                                 | x.xml: unknown attribute <@version>; known there: none"})
    void anUnknownElementOrAttributeShouldBeNamedWithItsPathAndTheKnownOnes(String text, String problem) throws Exception {
        assertThat(DELIVERY_LIKE.unknownIn(xml(text))).contains(problem);
    }
}
