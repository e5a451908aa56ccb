package org.postern.smtp;

import org.apache.james.core.Username;
import org.apache.james.protocols.api.OidcSASLConfiguration;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.AuthHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;

/**
 * The last word on AUTH: when no earlier hook (the users repository) accepted the credentials, answer
 * {@code 535 5.7.8} as RFC 4954 prescribes, instead of a bare 535 without an enhanced status code.
 * List it after {@code CoreCmdHandlerLoader} so that it runs after the users repository hook.
 */
public class InvalidCredentialsAuthHook implements AuthHook {
    static final HookResult INVALID_CREDENTIALS = HookResult.builder()
        .hookReturnCode(HookReturnCode.deny())
        .smtpReturnCode(SMTPRetCode.AUTH_FAILED)
        .smtpDescription(DSNStatus.getStatus(DSNStatus.PERMANENT, "7.8") + " Authentication credentials invalid")
        .build();

    @Override
    public HookResult doAuth(SMTPSession session, Username username, String password) {
        return INVALID_CREDENTIALS;
    }

    @Override
    public HookResult doSasl(SMTPSession session, OidcSASLConfiguration saslConfiguration, String initialResponse) {
        return INVALID_CREDENTIALS;
    }
}
