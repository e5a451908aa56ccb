package org.postern.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.Set;

import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.AbstractPOP3CommandHandler;
import org.apache.james.protocols.pop3.core.POP3MessageCommandArguments;
import org.apache.james.protocols.pop3.core.POP3MessageCommandDelegate;
import org.apache.james.protocols.pop3.mailbox.MessageMetaData;

/**
 * RETR (RFC 1939) with the message made ready for the wire in one pass over its bytes: a line starting with a dot
 * gets another, and the message ends with CRLF, exactly as James's {@code RetrCmdHandler} writes it (its
 * {@code ExtraDotInputStream} and {@code CRLFTerminatedInputStream}), but without their byte-at-a-time reads, which
 * cost more than the rest of a RETR together ({@link WireMessage#of}). The state, argument and deleted-message
 * checks and their replies are James's own ({@link POP3MessageCommandDelegate}). Listed in place of James's handler
 * by {@link CoreCommands}.
 */
public class RetrCommand extends AbstractPOP3CommandHandler {
    private static final Set<String> COMMANDS = Set.of("RETR");

    private final POP3MessageCommandDelegate delegate = new POP3MessageCommandDelegate(COMMANDS) {
        @Override
        protected Response handleMessageExists(POP3Session session, MessageMetaData data, POP3MessageCommandArguments args) throws IOException {
            byte[] content;
            try (InputStream in = session.getUserMailbox().getMessage(data.getUid())) {
                content = in.readAllBytes();
            }
            return WireMessage.of(content);
        }
    };

    @Override
    public Response onCommand(POP3Session session, Request request) {
        return delegate.handleMessageRequest(session, request);
    }

    @Override
    public Collection<String> getImplCommands() {
        return COMMANDS;
    }
}
