package org.postern.smtp;

import java.util.List;
import java.util.stream.Collectors;

import org.apache.james.protocols.lib.handler.HandlersPackage;
import org.apache.james.smtpserver.AuthRequiredToRelayRcptHook;
import org.apache.james.smtpserver.CoreCmdHandlerLoader;

/**
 * James's core SMTP commands ({@code CoreCmdHandlerLoader}) without its {@code AuthRequiredToRelayRcptHook}: that
 * hook refuses every non-local domain from unauthenticated clients, relay domains included, and asks the domain
 * list once more per RCPT. {@link RecipientAcceptanceHook} makes that decision instead, so use this package in its
 * place:
 *
 * <pre>{@code
 * <handler class="org.postern.smtp.CoreCommands"/>
 * }</pre>
 */
public class CoreCommands implements HandlersPackage {
    private static final List<String> HANDLERS = new CoreCmdHandlerLoader().getHandlers().stream()
        .filter(handler -> !handler.equals(AuthRequiredToRelayRcptHook.class.getName()))
        .collect(Collectors.toUnmodifiableList());

    @Override
    public List<String> getHandlers() {
        return HANDLERS;
    }
}
