package org.postern.server;

import java.nio.file.Path;

import org.apache.james.filesystem.api.JamesDirectoriesProvider;

/**
 * Where James's {@code file://conf/} and {@code file://var/} point: conf is the admin's configuration folder
 * (never written to); {@code file://var/} is the data directory itself, so everything Postern writes
 * (database, queues, keystore) lives under the one folder given by --data.
 */
public class PosternDirectories implements JamesDirectoriesProvider {
    private final Path conf;
    private final Path data;

    public PosternDirectories(Path conf, Path data) {
        this.conf = conf.toAbsolutePath().normalize();
        this.data = data.toAbsolutePath().normalize();
    }

    @Override
    public String getAbsoluteDirectory() {
        return "/";
    }

    @Override
    public String getConfDirectory() {
        return conf + "/";
    }

    @Override
    public String getVarDirectory() {
        return data + "/";
    }

    @Override
    public String getRootDirectory() {
        return data.toString();
    }
}
