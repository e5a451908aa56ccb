package org.postern.testing;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.james.filesystem.api.FileSystem;

/** James's {@link FileSystem} over a test folder standing for the conf directory: {@code file://conf/x} is {@code folder/x}. */
public final class ConfFolder implements FileSystem {
    private final Path folder;

    public ConfFolder(Path folder) {
        this.folder = folder;
    }

    @Override
    public InputStream getResource(String url) throws IOException {
        return Files.newInputStream(getFile(url).toPath());
    }

    @Override
    public File getFile(String url) throws FileNotFoundException {
        String name = url.startsWith(FILE_PROTOCOL_AND_CONF) ? url.substring(FILE_PROTOCOL_AND_CONF.length()) : url;
        return folder.resolve(name).toFile();
    }

    @Override
    public File getBasedir() {
        return folder.toFile();
    }
}
