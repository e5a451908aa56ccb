package org.postern.smtp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.api.handler.ExtensibleHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.MailParametersHook;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.apache.mailet.DsnParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parameters of MAIL FROM and RCPT TO, checked before James's command handlers see them (RFC 5321 section 4.1.1.11,
 * RFC 3463): a parameter no handler of the chain implements gets {@code 555 5.5.4} (James ignores unknown MAIL
 * parameters and answers RCPT ones with a bare 504); a malformed value of one Postern knows gets {@code 501 5.5.4}:
 * SIZE (digits), BODY (7BIT, 8BITMIME), RET (FULL, HDRS), ENVID (xtext, at most 100 characters), AUTH ({@code <>} or
 * xtext), NOTIFY (NEVER, or SUCCESS, FAILURE, DELAY once each), ORCPT ({@code type;xtext}); a parameter given twice
 * too. A command without parameter problems passes on unchanged (the handler answers nothing), so the address syntax
 * and every hook stay James's. The known names are those the chain's MAIL parameter hooks and RCPT hooks declare,
 * plus BODY (James announces 8BITMIME and needs no hook for it).
 *
 * <pre>{@code
 * <handler class="org.postern.smtp.EsmtpParameterCheck"/>
 * }</pre>
 */
public class EsmtpParameterCheck implements CommandHandler<SMTPSession>, ExtensibleHandler {
    private static final Logger LOGGER = LoggerFactory.getLogger(EsmtpParameterCheck.class);
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,20}");
    private static final Pattern ORCPT = Pattern.compile("[A-Za-z0-9-]+;(.+)");
    private static final Map<String, Pattern> KEYWORDS = Map.of(
        "BODY", Pattern.compile("7BIT|8BITMIME", Pattern.CASE_INSENSITIVE),
        "RET", Pattern.compile("FULL|HDRS", Pattern.CASE_INSENSITIVE));
    private static final Set<String> NOTIFY_ON = Set.of("SUCCESS", "FAILURE", "DELAY");

    private final Set<String> mailParameters = new HashSet<>(Set.of("BODY"));
    private final Set<String> rcptParameters = new HashSet<>();

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        boolean mail = request.getCommand().equalsIgnoreCase("MAIL");
        Optional<String> problem = parameters(request.getArgument(), mail)
            .flatMap(parameters -> check(parameters, mail ? mailParameters : rcptParameters));
        problem.ifPresent(reply -> LOGGER.info("{} from {}: {}", request.getCommand(),
            session.getRemoteAddress().getAddress().getHostAddress(), reply));
        return problem.map(reply -> new SMTPResponse(reply.substring(0, 3), reply.substring(4))).orElse(null);
    }

    /** The parameter words after the path, as James splits them; empty when the command has none or no path. */
    static Optional<List<String>> parameters(String argument, boolean mail) {
        if (argument == null || argument.indexOf(':') < 0) {
            return Optional.empty();
        }
        String path = argument.substring(argument.indexOf(':') + 1).trim();
        int close = mail ? path.indexOf('>', path.indexOf('<')) : path.lastIndexOf('>');
        if (close <= 0 || path.length() <= close + 2 || path.charAt(close + 1) != ' ') {
            return Optional.empty();
        }
        List<String> words = new ArrayList<>();
        for (String word : path.substring(close + 2).split(" ")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return Optional.of(words);
    }

    /** Parameters that are a bare keyword (REQUIRETLS, RFC 8689 section 4.1): a value is a mistake. */
    private static final Set<String> WITHOUT_VALUE = Set.of("REQUIRETLS");

    /** The reply for the first problem ("555 5.5.4 …" or "501 5.5.4 …"), empty when there is none. */
    static Optional<String> check(List<String> parameters, Set<String> known) {
        Set<String> seen = new HashSet<>();
        for (String parameter : parameters) {
            int equals = parameter.indexOf('=');
            String name = (equals < 0 ? parameter : parameter.substring(0, equals)).toUpperCase(Locale.ROOT);
            Optional<String> value = equals < 0 ? Optional.empty() : Optional.of(parameter.substring(equals + 1));
            if (!known.contains(name)) {
                return Optional.of("555 5.5.4 Unsupported parameter " + printable(name));
            }
            if (!seen.add(name)) {
                return Optional.of("501 5.5.4 Parameter " + name + " given twice");
            }
            if (WITHOUT_VALUE.contains(name) ? value.isPresent() : value.isEmpty() || !wellFormed(name, value.get())) {
                return Optional.of("501 5.5.4 Invalid value for parameter " + name);
            }
        }
        return Optional.empty();
    }

    private static boolean wellFormed(String name, String value) {
        return switch (name) {
            case "SIZE" -> DIGITS.matcher(value).matches();
            case "BODY", "RET" -> KEYWORDS.get(name).matcher(value).matches();
            case "ENVID" -> value.length() <= 100 && DsnParameters.XText.isValid(value);
            case "AUTH" -> value.equals("<>") || DsnParameters.XText.isValid(value);
            case "NOTIFY" -> notify(value.toUpperCase(Locale.ROOT));
            case "ORCPT" -> {
                var orcpt = ORCPT.matcher(value);
                yield orcpt.matches() && DsnParameters.XText.isValid(orcpt.group(1));
            }
            default -> !value.isEmpty();
        };
    }

    private static boolean notify(String value) {
        if (value.equals("NEVER")) {
            return true;
        }
        Set<String> kinds = new HashSet<>();
        for (String kind : value.split(",", -1)) {
            if (!NOTIFY_ON.contains(kind) || !kinds.add(kind)) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String text) {
        String ascii = text.replaceAll("[^\\x21-\\x7e]", "?");
        return ascii.length() > 40 ? ascii.substring(0, 40) + "..." : ascii;
    }

    @Override
    public Collection<String> getImplCommands() {
        return List.of("MAIL", "RCPT");
    }

    @Override
    public List<Class<?>> getMarkerInterfaces() {
        return List.of(MailParametersHook.class, RcptHook.class);
    }

    @Override
    public void wireExtensions(Class<?> interfaceName, List<?> extensions) {
        for (Object extension : extensions) {
            if (interfaceName.equals(MailParametersHook.class)) {
                mailParameters.addAll(List.of(((MailParametersHook) extension).getMailParamNames()));
            } else if (interfaceName.equals(RcptHook.class)) {
                rcptParameters.addAll(((RcptHook) extension).supportedParameters());
            }
        }
    }
}
