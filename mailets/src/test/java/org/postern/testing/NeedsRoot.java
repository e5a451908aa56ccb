package org.postern.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * A test that needs a privileged port because the protocol fixes it (MTA-STS policies come from port 443, which no
 * setting moves). {@code mvn verify} leaves these out (the {@code root} group), so that any user can run the build;
 * {@code .ci/run} runs them as root in addition ({@code mvn verify -Dpostern.test.groups=root}). README, "Tests".
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(NeedsRoot.TAG)
public @interface NeedsRoot {
    String TAG = "root";
}
