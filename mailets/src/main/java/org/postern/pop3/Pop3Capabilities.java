package org.postern.pop3;

import java.util.Set;

import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.CapaCapability;

/**
 * What CAPA (RFC 2449) lists besides the authentication capabilities ({@link Pop3Authentication}), PIPELINING and
 * STLS (James's): TOP and UIDL, which James implements without announcing them, and RESP-CODES, since Postern's
 * refusals carry [AUTH] and [SYS/TEMP] codes.
 *
 * <pre>{@code
 * <handler class="org.postern.pop3.Pop3Capabilities"/>
 * }</pre>
 */
public class Pop3Capabilities implements CapaCapability, ProtocolHandler {
    private static final Set<String> CAPABILITIES = Set.of("TOP", "UIDL", "RESP-CODES");

    @Override
    public Set<String> getImplementedCapabilities(POP3Session session) {
        return CAPABILITIES;
    }
}
