package org.postern.camel;

import java.util.List;

import javax.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;

/** James health check "Camel delivery routes": healthy while the context and every route are started. */
public class DeliveryHealthCheck implements HealthCheck {
    static final ComponentName COMPONENT = new ComponentName("Camel delivery routes");

    private final DeliveryContext context;

    @Inject
    public DeliveryHealthCheck(DeliveryContext context) {
        this.context = context;
    }

    @Override
    public ComponentName componentName() {
        return COMPONENT;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromSupplier(() -> {
            CamelContext camel = context.camel();
            if (camel == null || !camel.isStarted()) {
                return Result.unhealthy(COMPONENT, "Camel context not started");
            }
            List<String> stopped = camel.getRoutes().stream().map(Route::getRouteId)
                .filter(id -> !camel.getRouteController().getRouteStatus(id).isStarted()).toList();
            if (camel.getRoutes().isEmpty() || !stopped.isEmpty()) {
                return Result.unhealthy(COMPONENT, "routes not started: " + stopped);
            }
            return Result.healthy(COMPONENT);
        });
    }
}
