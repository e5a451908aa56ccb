package org.postern.server;

import org.apache.james.ProtocolConfigurationSanitizer;
import org.apache.james.RunArguments;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.lifecycle.api.ConfigurationSanitizer;
import org.apache.james.modules.protocols.JSPFModule;
import org.apache.james.modules.protocols.Pop3GuiceProbe;
import org.apache.james.modules.protocols.SmtpGuiceProbe;
import org.apache.james.pop3server.mailbox.MailboxAdapterFactory;
import org.apache.james.pop3server.netty.POP3ServerFactory;
import org.apache.james.protocols.lib.netty.CertificateReloadable;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.smtpserver.netty.SMTPServerFactory;
import org.apache.james.utils.GuiceProbe;
import org.apache.james.utils.KeystoreCreator;
import org.postern.pop3.ReadAheadMailboxFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.ProvidesIntoSet;

/**
 * James's SMTP and POP3 servers, bound as James's own protocol modules bind them but without their start-up
 * operations: the listeners are opened by {@link MailListeners#open()} once everything else has started, so no
 * connection is accepted before Postern is ready. SMTP lines are framed by {@link PosternSmtpServerFactory}.
 */
public class MailListenersModule extends AbstractModule {
    @Override
    protected void configure() {
        install(new JSPFModule());
        bind(PosternSmtpServerFactory.class).in(Scopes.SINGLETON);
        bind(SMTPServerFactory.class).to(PosternSmtpServerFactory.class);
        bind(PosternPop3ServerFactory.class).in(Scopes.SINGLETON);
        bind(POP3ServerFactory.class).to(PosternPop3ServerFactory.class);
        // POP3 sessions read message contents ahead, several per query (a stock James keeps its default adapter)
        bind(ReadAheadMailboxFactory.class).in(Scopes.SINGLETON);
        bind(MailboxAdapterFactory.class).to(ReadAheadMailboxFactory.class);
        bind(MailListeners.class).in(Scopes.SINGLETON);

        Multibinder<GuiceProbe> probes = Multibinder.newSetBinder(binder(), GuiceProbe.class);
        probes.addBinding().to(SmtpGuiceProbe.class);
        probes.addBinding().to(Pop3GuiceProbe.class);
        probes.addBinding().to(MailListeners.class);

        Multibinder<CertificateReloadable.Factory> reloadable = Multibinder.newSetBinder(binder(), CertificateReloadable.Factory.class);
        reloadable.addBinding().to(SMTPServerFactory.class);
        reloadable.addBinding().to(POP3ServerFactory.class);
    }

    /** Generates the self-signed keystore a listener names when it is missing (as James's modules do). */
    @ProvidesIntoSet
    ConfigurationSanitizer smtpKeystore(ConfigurationProvider configuration, KeystoreCreator keystores, FileSystem fileSystem,
                                        RunArguments arguments) {
        return new ProtocolConfigurationSanitizer(configuration, keystores, fileSystem, arguments, "smtpserver");
    }

    @ProvidesIntoSet
    ConfigurationSanitizer pop3Keystore(ConfigurationProvider configuration, KeystoreCreator keystores, FileSystem fileSystem,
                                        RunArguments arguments) {
        return new ProtocolConfigurationSanitizer(configuration, keystores, fileSystem, arguments, "pop3server");
    }
}
