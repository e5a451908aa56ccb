package org.postern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LaunchOptionsTest {
    @TempDir
    Path dir;

    @Test
    void startShouldTakeConfAndData() {
        LaunchOptions options = LaunchOptions.parse("start", "--conf", dir.toString(), "--data", dir.resolve("d").toString());

        assertThat(options.mode()).isEqualTo(LaunchOptions.Mode.START);
        assertThat(options.data()).isEqualTo(dir.resolve("d"));
        assertThat(options.listeners()).isEqualTo(Listeners.AS_CONFIGURED);
    }

    @Test
    void devShouldListenOnLoopbackUnprivilegedPorts() {
        LaunchOptions options = LaunchOptions.parse("dev", "--conf", dir.toString());

        assertThat(options.listeners().rebind("0.0.0.0:25")).isEqualTo("127.0.0.1:2525");
        assertThat(options.listeners().rebind("0.0.0.0:587")).isEqualTo("127.0.0.1:2587");
        assertThat(options.listeners().rebind("0.0.0.0:110")).isEqualTo("127.0.0.1:2110");
        assertThat(options.listeners().webAdminPort()).contains(8000);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                                  | no command given",
        "serve                               | unknown command 'serve'",
        "start --conf CONF                   | start needs both --conf and --data",
        "start --conf CONF --data            | flag --data needs a value",
        "start --conf CONF --data D --port 1 | unknown flag '--port'",
        "start --conf /no/such --data D      | --conf /no/such: not a directory"})
    void badCommandLinesShouldBeRefusedWithTheReason(String line, String reason) {
        String[] args = line.isBlank() ? new String[0] : line.replace("CONF", dir.toString()).split(" ");

        assertThatThrownBy(() -> LaunchOptions.parse(args))
            .isInstanceOf(LaunchOptions.UsageException.class)
            .hasMessageContaining(reason);
    }
}
