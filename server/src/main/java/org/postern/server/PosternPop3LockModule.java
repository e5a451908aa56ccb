package org.postern.server;

import java.sql.SQLException;
import java.time.Clock;

import javax.inject.Singleton;

import org.apache.commons.dbcp2.BasicDataSource;
import org.postern.pop3.JdbcMaildropLocks;
import org.postern.pop3.LocalMaildropLocks;
import org.postern.pop3.MaildropLocks;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

/**
 * POP3's one-session-per-mailbox lock: with PostgreSQL, in a table of the shared database (every node sharing the
 * mailboxes sees every lock; a pool of two connections of its own); with embedded Derby, which one node alone uses,
 * in memory.
 */
public class PosternPop3LockModule extends AbstractModule {
    @Provides
    @Singleton
    MaildropLocks locks(DatabaseConfiguration database) throws SQLException {
        if (database.isDerby()) {
            return new LocalMaildropLocks();
        }
        BasicDataSource pool = new BasicDataSource();
        pool.setDriverClassName(database.driverClassName());
        pool.setUrl(database.url());
        database.username().ifPresent(pool::setUsername);
        database.password().ifPresent(pool::setPassword);
        pool.setMaxTotal(2);
        return new JdbcMaildropLocks(pool, database.nodeName(), Clock.systemUTC());
    }
}
