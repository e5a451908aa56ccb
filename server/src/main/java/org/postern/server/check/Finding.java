package org.postern.server.check;

/**
 * One thing a configuration check found: an error stops start-up (exit status 2), a warning is printed and start-up
 * goes on. The text names the file and line (or element) and ends with the fix.
 */
public record Finding(Severity severity, String text) {
    public enum Severity { ERROR, WARNING }

    static Finding error(String text) {
        return new Finding(Severity.ERROR, text);
    }

    static Finding warning(String text) {
        return new Finding(Severity.WARNING, text);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        return (isError() ? "error: " : "warning: ") + text;
    }
}
