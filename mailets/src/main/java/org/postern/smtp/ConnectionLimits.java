package org.postern.smtp;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.postern.config.HandlerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many connections one listener holds at once: at most {@code maxConnections} in all (default 500) and
 * {@code maxConnectionsPerClient} from one client address (default 50, Postfix's
 * {@code smtpd_client_connection_count_limit}); a connection beyond either is greeted {@code 421 4.7.0} and closed
 * instead of {@code 220}. Trusted networks ({@code <authorizedAddresses>}) count towards the total only, as Postfix
 * exempts {@code $mynetworks}. James's own {@code <connectionLimit>} and {@code <connectionLimitPerIP>} close such a
 * connection without a word, so Postern's conf leaves them at 0 and sets these. One instance per listener (each
 * handler chain has its own), so each listener counts its own connections.
 *
 * <pre>{@code
 * <handler class="org.postern.smtp.ConnectionLimits">
 *     <maxConnections>500</maxConnections>
 *     <maxConnectionsPerClient>50</maxConnectionsPerClient>
 * </handler>
 * }</pre>
 */
public class ConnectionLimits implements ConnectHandler<SMTPSession>, DisconnectHandler<SMTPSession> {
    private static final Logger LOGGER = LoggerFactory.getLogger(ConnectionLimits.class);
    static final int DEFAULT_MAX_CONNECTIONS = 500;
    static final int DEFAULT_MAX_PER_CLIENT = 50;
    private static final ProtocolSession.AttachmentKey<InetAddress> COUNTED = ProtocolSession.AttachmentKey.of("postern.connectionCounted", InetAddress.class);
    private static final Response TOO_MANY = SpecialReplies.closing(SMTPRetCode.SERVICE_NOT_AVAILABLE, "4.7.0 Too many connections, try again later");
    private static final Response TOO_MANY_FROM_CLIENT = SpecialReplies.closing(SMTPRetCode.SERVICE_NOT_AVAILABLE, "4.7.0 Too many connections from your address, try again later");

    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentMap<InetAddress, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxPerClient = DEFAULT_MAX_PER_CLIENT;

    @Override
    public void init(Configuration config) throws ConfigurationException {
        HandlerSettings settings = HandlerSettings.of(config, "smtpserver.xml", getClass(), "maxConnections", "maxConnectionsPerClient");
        maxConnections = settings.positive("maxConnections", DEFAULT_MAX_CONNECTIONS);
        maxPerClient = settings.positive("maxConnectionsPerClient", DEFAULT_MAX_PER_CLIENT);
    }

    @Override
    public Response onConnect(SMTPSession session) {
        InetAddress client = session.getRemoteAddress().getAddress();
        session.setAttachment(COUNTED, client, ProtocolSession.State.Connection);
        int all = total.incrementAndGet();
        int fromClient = perClient.computeIfAbsent(client, address -> new AtomicInteger()).incrementAndGet();
        if (all > maxConnections) {
            LOGGER.warn("Connection from {} refused: {} connections open, limit {} (421 4.7.0)", client.getHostAddress(), all - 1, maxConnections);
            return TOO_MANY;
        }
        if (fromClient > maxPerClient && !session.isRelayingAllowed()) {
            LOGGER.warn("Connection from {} refused: {} connections open from this address, limit {} (421 4.7.0)",
                client.getHostAddress(), fromClient - 1, maxPerClient);
            return TOO_MANY_FROM_CLIENT;
        }
        return SpecialReplies.NOTHING;
    }

    @Override
    public void onDisconnect(SMTPSession session) {
        if (session == null) {
            return;
        }
        session.getAttachment(COUNTED, ProtocolSession.State.Connection).ifPresent(client -> {
            session.removeAttachment(COUNTED, ProtocolSession.State.Connection);
            total.decrementAndGet();
            perClient.computeIfPresent(client, (address, count) -> count.decrementAndGet() == 0 ? null : count);
        });
    }
}
