package org.postern.queue;

import java.util.Optional;

import javax.inject.Singleton;

import org.apache.mailet.Mail;

/**
 * Where the delivery routes take a routed mail for an attempt right away, straight from the spool
 * ({@link HandOffToOutbound}): a mail delivered now is written to disk once (the spool), not twice (the spool, then
 * the outbound queue). The routes open it when they start and close it when they stop; while it is closed, every
 * mail goes through the outbound queue. A shared singleton, so that it also works in a stock James.
 */
@Singleton
public class DirectDelivery {
    /** What the delivery routes do with a mail given to them now. */
    public interface Route {
        /**
         * Attempts the mail once. True when it is taken care of: delivered, returned to its sender, or put into the
         * outbound queue for its retry (all durably); false when the route would not attempt it now (its next hop is
         * busy or failing), and the caller must queue it.
         */
        boolean attempt(Mail mail) throws Exception;
    }

    private volatile Route route;

    public void open(Route route) {
        this.route = route;
    }

    public void close(Route route) {
        if (this.route == route) {
            this.route = null;
        }
    }

    public Optional<Route> route() {
        return Optional.ofNullable(route);
    }
}
