package org.postern.pop3;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.james.pop3server.core.CoreCmdHandlerLoader;
import org.apache.james.pop3server.core.PassCmdHandler;
import org.apache.james.protocols.lib.handler.HandlersPackage;
import org.apache.james.protocols.pop3.core.RetrCmdHandler;
import org.apache.james.protocols.pop3.core.StlsCmdHandler;
import org.apache.james.protocols.pop3.core.UserCmdHandler;

/**
 * James's core POP3 commands ({@code CoreCmdHandlerLoader}) without USER and PASS, which take credentials in clear
 * and whose CAPA always lists USER: {@link Pop3Authentication} answers USER, PASS and AUTH instead (list it in the
 * handler chain; without it, nobody can log in). STLS is {@link Pop3StartTls}, RETR {@link RetrCommand} (the same bytes,
 * made in one pass).
 *
 * <pre>{@code
 * <handlerchain coreHandlersPackage="org.postern.pop3.CoreCommands">
 * }</pre>
 */
public class CoreCommands implements HandlersPackage {
    private static final Set<String> REPLACED = Set.of(UserCmdHandler.class.getName(), PassCmdHandler.class.getName());
    private static final List<String> HANDLERS = new CoreCmdHandlerLoader().getHandlers().stream()
        .filter(handler -> !REPLACED.contains(handler))
        .map(handler -> handler.equals(StlsCmdHandler.class.getName()) ? Pop3StartTls.class.getName() : handler)
        .map(handler -> handler.equals(RetrCmdHandler.class.getName()) ? RetrCommand.class.getName() : handler)
        .collect(Collectors.toUnmodifiableList());

    @Override
    public List<String> getHandlers() {
        return HANDLERS;
    }
}
