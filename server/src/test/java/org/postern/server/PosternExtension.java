package org.postern.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** One in-JVM Postern per test class, on a fresh data directory, with one local user. */
final class PosternExtension implements BeforeAllCallback, AfterAllCallback {
    private final String user;
    private final String password;
    private Path data;
    private InJvmPostern postern;

    PosternExtension(String user, String password) {
        this.user = user;
        this.password = password;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        data = Files.createTempDirectory("postern-test");
        postern = InJvmPostern.start(data).withUser(user.substring(user.indexOf('@') + 1), user, password);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (postern != null) {
            postern.close();
        }
        try (var files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    InJvmPostern postern() {
        return postern;
    }

    Ports ports() {
        return postern.ports();
    }
}
