package org.postern.cli;

/**
 * Why a command did not do what was asked, as one line for stderr, and the exit status: {@link #USAGE} (2) for a
 * wrong command line or an unusable configuration, {@link #FAILED} (1) when webadmin refused or could not be reached.
 */
final class CliFailure extends RuntimeException {
    static final int FAILED = 1;
    static final int USAGE = 2;

    private final int status;

    CliFailure(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static CliFailure usage(String message) {
        return new CliFailure(USAGE, message);
    }

    static CliFailure failed(String message) {
        return new CliFailure(FAILED, message);
    }

    int status() {
        return status;
    }
}
