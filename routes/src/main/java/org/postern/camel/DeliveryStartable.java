package org.postern.camel;

import javax.inject.Inject;

import org.apache.james.utils.UserDefinedStartable;

/**
 * Drop-in form for a stock James 3.8.1: {@code guice.extension.startable=org.postern.camel.DeliveryStartable} in
 * {@code extensions.properties} starts the delivery routes once James is up; a JVM shutdown hook stops them.
 */
public class DeliveryStartable implements UserDefinedStartable {
    private final DeliveryContext context;

    @Inject
    public DeliveryStartable(DeliveryContext context) {
        this.context = context;
    }

    @Override
    public void start() {
        try {
            context.start();
        } catch (Exception e) {
            throw new IllegalStateException("Postern delivery routes did not start: " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(context::stop, "postern-delivery-stop"));
    }
}
