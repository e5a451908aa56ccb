package org.postern.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.apache.commons.dbcp2.BasicDataSource;
import org.apache.derby.jdbc.EmbeddedDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postern.testing.MutableClock;

/**
 * The shared POP3 lock table, as two nodes see it: on embedded Derby, and on PostgreSQL when one is given
 * (POSTERN_TEST_POSTGRES_URL, as .ci/run provides).
 */
class JdbcMaildropLocksTest {
    @TempDir
    static Path work;

    final MutableClock clock = new MutableClock();
    final List<JdbcMaildropLocks> opened = new ArrayList<>();

    static Stream<String> databases() {
        return System.getenv("POSTERN_TEST_POSTGRES_URL") == null ? Stream.of("derby") : Stream.of("derby", "postgresql");
    }

    @AfterEach
    void close() {
        opened.forEach(JdbcMaildropLocks::close);
    }

    private JdbcMaildropLocks node(DataSource database, String name) throws Exception {
        JdbcMaildropLocks locks = new JdbcMaildropLocks(database, name, clock);
        opened.add(locks);
        return locks;
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aMailboxShouldBeHeldByOneSessionOfOneNodeUntilReleased(String kind) throws Exception {
        DataSource database = database(kind);
        JdbcMaildropLocks a = node(database, "node-a");
        JdbcMaildropLocks b = node(database, "node-b");

        assertThat(a.acquire("u@example.test", "s1")).isTrue();
        assertThat(b.acquire("u@example.test", "s2")).as("the other node").isFalse();
        assertThat(a.acquire("u@example.test", "s3")).as("another session of the same node").isFalse();
        assertThat(b.acquire("v@example.test", "s4")).as("another mailbox").isTrue();
        b.release("u@example.test", "s2");
        assertThat(b.acquire("u@example.test", "s2")).as("a release by a session that does not hold it changes nothing").isFalse();
        a.release("u@example.test", "s1");
        assertThat(b.acquire("u@example.test", "s2")).isTrue();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aLockWhoseHolderStoppedRenewingShouldBeTakenOverAfterTheLease(String kind) throws Exception {
        DataSource database = database(kind);
        JdbcMaildropLocks dead = node(database, "node-a");
        JdbcMaildropLocks alive = node(database, "node-b");
        assertThat(dead.acquire("u@example.test", "s1")).isTrue();

        clock.advance(JdbcMaildropLocks.LEASE.minusSeconds(1));
        boolean beforeTheLeaseEnds = alive.acquire("u@example.test", "s2");
        clock.advance(Duration.ofSeconds(2));
        boolean afterIt = alive.acquire("u@example.test", "s2");
        dead.release("u@example.test", "s1");

        assertThat(beforeTheLeaseEnds).isFalse();
        assertThat(afterIt).isTrue();
        assertThat(node(database, "node-c").acquire("u@example.test", "s3")).as("the late release left the new holder's lock").isFalse();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aRenewedLockShouldOutliveItsFirstLease(String kind) throws Exception {
        DataSource database = database(kind);
        JdbcMaildropLocks holder = node(database, "node-a");
        JdbcMaildropLocks other = node(database, "node-b");
        assertThat(holder.acquire("u@example.test", "s1")).isTrue();

        clock.advance(JdbcMaildropLocks.LEASE.minusSeconds(5));
        holder.renew();
        clock.advance(Duration.ofSeconds(30));

        assertThat(other.acquire("u@example.test", "s2")).isFalse();
    }

    private static DataSource database(String kind) throws Exception {
        String name = "locks_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        if (kind.equals("derby")) {
            EmbeddedDataSource derby = new EmbeddedDataSource();
            derby.setDatabaseName(work.resolve(name).toString());
            derby.setCreateDatabase("create");
            return derby;
        }
        String adminUrl = System.getenv("POSTERN_TEST_POSTGRES_URL");
        String user = System.getenv("POSTERN_TEST_POSTGRES_USER");
        String password = System.getenv("POSTERN_TEST_POSTGRES_PASSWORD");
        try (Connection admin = DriverManager.getConnection(adminUrl, user, password); Statement sql = admin.createStatement()) {
            sql.execute("CREATE DATABASE " + name);
        }
        BasicDataSource postgres = new BasicDataSource();
        postgres.setUrl(adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1) + name);
        postgres.setUsername(user);
        postgres.setPassword(password);
        return postgres;
    }
}
