package org.postern.pop3;

import java.util.Set;

import javax.inject.Inject;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.pop3.POP3Session;
import org.apache.james.protocols.pop3.core.StlsCmdHandler;

/** James's STLS, except that CAPA stops listing STLS once TLS is on (RFC 2595 section 4: it would only fail). */
public class Pop3StartTls extends StlsCmdHandler {
    @Inject
    public Pop3StartTls(MetricFactory metricFactory) {
        super(metricFactory);
    }

    @Override
    public Set<String> getImplementedCapabilities(POP3Session session) {
        return session.isTLSStarted() ? Set.of() : super.getImplementedCapabilities(session);
    }
}
