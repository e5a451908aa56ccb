package org.postern.routing;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.mail.MessagingException;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetException;
import org.apache.mailet.ProcessingState;
import org.apache.mailet.base.GenericMailet;
import org.postern.config.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a mail back into the spool to go through {@code processor} again after {@code delay}, for a temporary
 * failure (a DNS server that did not answer). After {@code maxRetries} deferrals the mail goes to
 * {@code expiredProcessor} with status 4.4.7, as a delivery that never succeeded.
 *
 * <pre>{@code
 * <mailet match="HasRoutingError=temporary" class="org.postern.routing.RetryLater">
 *     <processor>relay</processor>
 *     <delay>5m</delay>
 *     <maxRetries>12</maxRetries>
 *     <expiredProcessor>bounces</expiredProcessor>
 * </mailet>
 * }</pre>
 */
public class RetryLater extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(RetryLater.class);

    private String processor;
    private Duration delay;
    private int maxRetries;
    private String expiredProcessor;

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("processor", "delay", "maxRetries", "expiredProcessor"));
        processor = getInitParameter("processor");
        if (processor == null || processor.isBlank()) {
            throw new MailetException(getMailetName() + ": 'processor' is required");
        }
        delay = parseDelay(getInitParameter("delay", "5m"));
        String retries = getInitParameter("maxRetries", "12");
        try {
            maxRetries = Integer.parseInt(retries.trim());
        } catch (NumberFormatException e) {
            maxRetries = -1;
        }
        if (maxRetries < 0) {
            throw new MailetException(getMailetName() + ": 'maxRetries' = '" + retries + "': must be a whole number, 0 or more");
        }
        expiredProcessor = getInitParameter("expiredProcessor", "bounces");
    }

    private Duration parseDelay(String value) throws MailetException {
        return Durations.parse(value).orElseThrow(() -> new MailetException(
            getMailetName() + ": 'delay' = '" + value + "': must be a positive duration such as 30s, 5m or 1h"));
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        int attempts = mail.getAttribute(RoutingAttributes.ATTEMPTS)
            .flatMap(attribute -> attribute.getValue().valueAs(Integer.class)).orElse(0) + 1;
        if (attempts > maxRetries) {
            mail.setErrorMessage("4.4.7 gave up after " + maxRetries + " retries: " + mail.getErrorMessage());
            mail.setState(expiredProcessor);
            mail.getRecipients().forEach(recipient ->
                LOGGER.warn("{}: to=<{}>, status=expired after {} retries", mail.getName(), recipient.asString(), maxRetries));
            return;
        }
        mail.setAttribute(new Attribute(RoutingAttributes.ATTEMPTS, AttributeValue.of(attempts)));
        getMailetContext().sendMail(mail, processor, delay.toMillis(), TimeUnit.MILLISECONDS);
        mail.setState(Mail.GHOST);
        String reason = mail.getErrorMessage();
        mail.getRecipients().forEach(recipient -> LOGGER.info("{}: to=<{}>, status=deferred ({}), retry {} of {} in {}",
            mail.getName(), recipient.asString(), reason, attempts, maxRetries, delay));
    }

    @Override
    public java.util.Collection<ProcessingState> requiredProcessingState() {
        return java.util.List.of(new ProcessingState(processor), new ProcessingState(expiredProcessor));
    }

    @Override
    public String getMailetInfo() {
        return "Postern: retry a mail later through the spool";
    }
}
