package org.postern.acceptance;

import javax.mail.MessagingException;

import org.apache.mailet.base.GenericMatcher;

/** A matcher that takes no condition: a condition given by mistake stops start-up instead of being ignored. */
abstract class NoConditionMatcher extends GenericMatcher {
    @Override
    public void init() throws MessagingException {
        if (getCondition() != null && !getCondition().isBlank()) {
            throw new MessagingException("mailetcontainer.xml: matcher " + getClass().getSimpleName() + " condition = '"
                + getCondition() + "': this matcher takes no condition");
        }
    }
}
