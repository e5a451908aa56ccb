package org.postern.server;

import org.apache.james.webadmin.Routes;
import org.postern.admin.ExplainRoutes;
import org.postern.admin.NextHopRoutes;
import org.postern.admin.PrometheusRoutes;
import org.postern.admin.QueueRoutes;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;

/** Postern's own webadmin endpoints, beside James's: next hops, queue control, Prometheus metrics. */
public class PosternAdminModule extends AbstractModule {
    @Override
    protected void configure() {
        Multibinder<Routes> routes = Multibinder.newSetBinder(binder(), Routes.class);
        routes.addBinding().to(NextHopRoutes.class);
        routes.addBinding().to(QueueRoutes.class);
        routes.addBinding().to(PrometheusRoutes.class);
        routes.addBinding().to(ExplainRoutes.class);
    }
}
