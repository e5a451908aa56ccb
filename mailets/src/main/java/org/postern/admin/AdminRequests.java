package org.postern.admin;

import java.util.List;

import org.apache.james.webadmin.utils.ErrorResponder;
import org.eclipse.jetty.http.HttpStatus;

import spark.Request;

/**
 * What Postern's webadmin routes (this package, and {@code ExplainRoutes}, which needs the delivery routes) share:
 * the query parameters they allow, the {@code limit} parameter and the error answers (James's JSON error body).
 */
public final class AdminRequests {
    public static final int DEFAULT_LIMIT = 1000;
    public static final int MAX_LIMIT = 100_000;

    private AdminRequests() {
    }

    /** The {@code limit} query parameter: absent means {@link #DEFAULT_LIMIT}, else 1 to {@link #MAX_LIMIT}. */
    public static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw badRequest("limit '" + value + "' must be a whole number from 1 to " + MAX_LIMIT);
    }

    /** Halts the request with 400 when it has a query parameter other than {@code allowed}. */
    public static void allowOnly(Request request, String... allowed) {
        List<String> known = List.of(allowed);
        for (String parameter : request.queryParams()) {
            if (!known.contains(parameter)) {
                throw badRequest("unknown parameter '" + parameter + "' (allowed: " + String.join(", ", allowed) + ")");
            }
        }
    }

    /** Halts the request with 400 and the message. */
    public static RuntimeException badRequest(String message) {
        return ErrorResponder.builder()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .type(ErrorResponder.ErrorType.INVALID_ARGUMENT)
            .message(message)
            .haltError();
    }

    /** Halts the request with 404 and the message. */
    public static RuntimeException notFound(String message) {
        return ErrorResponder.builder()
            .statusCode(HttpStatus.NOT_FOUND_404)
            .type(ErrorResponder.ErrorType.NOT_FOUND)
            .message(message)
            .haltError();
    }

    /** Halts the request with 503: what it needs cannot be read or written now. */
    public static RuntimeException unavailable(Exception cause) {
        return ErrorResponder.builder()
            .statusCode(HttpStatus.SERVICE_UNAVAILABLE_503)
            .type(ErrorResponder.ErrorType.SERVER_ERROR)
            .message(cause.getMessage())
            .cause(cause)
            .haltError();
    }
}
