package org.postern.admin;

import org.apache.james.webadmin.utils.ErrorResponder;
import org.eclipse.jetty.http.HttpStatus;

/** What Postern's webadmin routes share: the {@code limit} parameter and the 400 answer. */
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

    /** Halts the request with 400 and the message. */
    public static RuntimeException badRequest(String message) {
        return ErrorResponder.builder()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .type(ErrorResponder.ErrorType.INVALID_ARGUMENT)
            .message(message)
            .haltError();
    }
}
