package org.postern.server;

import org.apache.james.webadmin.Routes;
import org.postern.admin.NextHopRoutes;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;

/** Postern's own webadmin endpoints, beside James's. */
public class PosternAdminModule extends AbstractModule {
    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), Routes.class).addBinding().to(NextHopRoutes.class);
    }
}
