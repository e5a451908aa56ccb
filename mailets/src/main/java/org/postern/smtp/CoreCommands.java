package org.postern.smtp;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.james.protocols.lib.handler.HandlersPackage;
import org.apache.james.protocols.smtp.core.esmtp.AuthCmdHandler;
import org.apache.james.smtpserver.AuthRequiredToRelayRcptHook;
import org.apache.james.smtpserver.CoreCmdHandlerLoader;

/**
 * James's core SMTP commands ({@code CoreCmdHandlerLoader}) without two of them:
 * <ul>
 *   <li>{@code AuthRequiredToRelayRcptHook}, which refuses every non-local domain from unauthenticated clients,
 *       relay domains included, and asks the domain list once more per RCPT: {@link RecipientAcceptanceHook} makes
 *       that decision instead;</li>
 *   <li>{@code AuthCmdHandler}, which takes credentials where AUTH is not offered and answers malformed exchanges
 *       with 451: list {@link StrictAuthCmdHandler} in the handler chain instead (without it, no AUTH at all).</li>
 * </ul>
 * and with two of Postern's: {@link ArrivalLogHook} (the maillog's {@code client=} and {@code from=} lines) and
 * {@link RcptReplyCounter} (the RCPT metrics).
 *
 * <pre>{@code
 * <handlerchain coreHandlersPackage="org.postern.smtp.CoreCommands">
 * }</pre>
 */
public class CoreCommands implements HandlersPackage {
    private static final Set<String> REPLACED = Set.of(AuthRequiredToRelayRcptHook.class.getName(), AuthCmdHandler.class.getName());
    /** What Postern adds to every listener: the maillog's arrival lines and the RCPT and message counters. */
    private static final List<String> ADDED = List.of(ArrivalLogHook.class.getName(), RcptReplyCounter.class.getName());
    private static final List<String> HANDLERS = Stream.concat(new CoreCmdHandlerLoader().getHandlers().stream()
            .filter(handler -> !REPLACED.contains(handler)), ADDED.stream())
        .collect(Collectors.toUnmodifiableList());

    @Override
    public List<String> getHandlers() {
        return HANDLERS;
    }
}
