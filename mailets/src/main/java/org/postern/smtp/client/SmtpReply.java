package org.postern.smtp.client;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMTP reply as a remote server gave it (RFC 5321 section 4.2): the three-digit code, the enhanced status
 * (RFC 3463) when the text starts with one, and the text of all lines. Also stands for the replies Postern makes
 * up when there was none (a refused connection), so that every outcome carries exactly one reply.
 */
public record SmtpReply(int code, String enhanced, String text) {
    private static final Pattern ENHANCED = Pattern.compile("^([245]\\.\\d{1,3}\\.\\d{1,3})\\s*(.*)$", Pattern.DOTALL);

    public static SmtpReply parse(List<String> lines) {
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("empty reply");
        }
        int code = Integer.parseInt(lines.get(0).substring(0, 3));
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            if (text.length() > 0) {
                text.append(' ');
            }
            text.append(line.length() > 4 ? line.substring(4) : "");
        }
        Matcher matcher = ENHANCED.matcher(text.toString());
        if (matcher.matches() && matcher.group(1).charAt(0) == Character.forDigit(code / 100, 10)) {
            return new SmtpReply(code, matcher.group(1), matcher.group(2));
        }
        return new SmtpReply(code, defaultEnhanced(code), text.toString());
    }

    /** A reply made up by Postern, e.g. {@code local(451, "4.4.1", "connection refused")}. */
    public static SmtpReply local(int code, String enhanced, String text) {
        return new SmtpReply(code, enhanced, text);
    }

    private static String defaultEnhanced(int code) {
        return switch (code / 100) {
            case 2 -> "2.0.0";
            case 4 -> "4.0.0";
            default -> "5.0.0";
        };
    }

    public boolean positive() {
        return code / 100 == 2 || code / 100 == 3;
    }

    public boolean transientFailure() {
        return code / 100 == 4;
    }

    public boolean permanentFailure() {
        return code / 100 == 5;
    }

    @Override
    public String toString() {
        return code + " " + enhanced + " " + text;
    }
}
