package org.postern.camel;

import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.ProvidesIntoSet;

/**
 * Guice module for a James server composed in code (Postern's server): the delivery CamelContext, started as an
 * initialization operation after James's services and stopped at server stop, and its health check.
 * In a stock James, name {@link DeliveryStartable} in {@code extensions.properties} instead.
 */
public class DeliveryRoutesModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(DeliveryContext.class).in(Scopes.SINGLETON);
        Multibinder.newSetBinder(binder(), HealthCheck.class).addBinding().to(DeliveryHealthCheck.class);
    }

    @ProvidesIntoSet
    InitializationOperation startDelivery(DeliveryContext context) {
        return InitilizationOperationBuilder.forClass(DeliveryContext.class).init(context::start);
    }
}
