package org.postern.smtp;

import javax.inject.Inject;

import org.apache.james.core.Username;
import org.apache.james.protocols.api.OidcSASLConfiguration;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.AuthHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AUTH LOGIN/PLAIN against the James users repository, answering as RFC 4954 prescribes:
 * {@code 235} on success, {@code 535 5.7.8} for wrong credentials, {@code 454 4.7.0} when the repository cannot
 * be reached (James's own hook answers a bare 535 in both failure cases). OIDC (SASL) stays with James.
 *
 * <pre>{@code
 * <handler class="org.postern.smtp.CredentialsAuthHook"/>
 * }</pre>
 */
public class CredentialsAuthHook implements AuthHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(CredentialsAuthHook.class);

    static final HookResult AUTHENTICATED = HookResult.builder()
        .hookReturnCode(HookReturnCode.ok())
        .smtpDescription(DSNStatus.getStatus(DSNStatus.SUCCESS, "7.0") + " Authentication successful")
        .build();
    static final HookResult INVALID_CREDENTIALS = HookResult.builder()
        .hookReturnCode(HookReturnCode.deny())
        .smtpReturnCode(SMTPRetCode.AUTH_FAILED)
        .smtpDescription(DSNStatus.getStatus(DSNStatus.PERMANENT, "7.8") + " Authentication credentials invalid")
        .build();
    static final HookResult TEMPORARY_FAILURE = HookResult.builder()
        .hookReturnCode(HookReturnCode.denySoft())
        .smtpReturnCode("454")
        .smtpDescription(DSNStatus.getStatus(DSNStatus.TRANSIENT, "7.0") + " Temporary authentication failure")
        .build();

    private final UsersRepository users;

    @Inject
    public CredentialsAuthHook(UsersRepository users) {
        this.users = users;
    }

    @Override
    public HookResult doAuth(SMTPSession session, Username username, String password) {
        try {
            if (!users.test(username, password)) {
                LOGGER.info("AUTH failed for {} from {}", username.asString(), session.getRemoteAddress().getAddress().getHostAddress());
                return INVALID_CREDENTIALS;
            }
        } catch (UsersRepositoryException e) {
            LOGGER.warn("AUTH for {}: users repository unavailable", username.asString(), e);
            return TEMPORARY_FAILURE;
        }
        session.setUsername(username);
        session.setRelayingAllowed(true);
        return AUTHENTICATED;
    }

    @Override
    public HookResult doSasl(SMTPSession session, OidcSASLConfiguration saslConfiguration, String initialResponse) {
        return HookResult.DECLINED;
    }
}
