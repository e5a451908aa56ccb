package org.postern.mailstore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.core.Username;
import org.apache.james.mailbox.acl.ACLDiff;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.jpa.JPAId;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxACL;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.model.search.MailboxQuery;
import org.apache.james.mailbox.store.MailboxExpressionBackwardCompatibility;
import org.apache.james.mailbox.store.mail.MailboxMapper;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * James's {@code MailboxMapper} on plain JDBC over {@code JAMES_MAILBOX}, the table James's JPA store created. As there,
 * ACLs live only on the in-memory {@link Mailbox} (POP3 reads one's own INBOX; nothing grants rights to others).
 */
public class JdbcMailboxMapper implements MailboxMapper {
    private static final String COLUMNS = "MAILBOX_ID, MAILBOX_NAMESPACE, USER_NAME, MAILBOX_NAME, MAILBOX_UID_VALIDITY";

    private final MailboxDatabase database;
    private final SequenceBlocks ids;
    private final JdbcUidProvider uids;
    private final JdbcModSeqProvider modSeqs;

    JdbcMailboxMapper(MailboxDatabase database, SequenceBlocks ids, JdbcUidProvider uids, JdbcModSeqProvider modSeqs) {
        this.database = database;
        this.ids = ids;
        this.uids = uids;
        this.modSeqs = modSeqs;
    }

    @Override
    public Mono<Mailbox> create(MailboxPath path, UidValidity uidValidity) {
        return blocking(() -> {
            long id = ids.next();
            database.write(connection -> {
                if (find(connection, path) != null) {
                    throw new MailboxExistsException(path.getName());
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO JAMES_MAILBOX (" + COLUMNS
                    + ", MAILBOX_LAST_UID, MAILBOX_HIGHEST_MODSEQ) VALUES (?, ?, ?, ?, ?, 0, 0)")) {
                    insert.setLong(1, id);
                    insert.setString(2, path.getNamespace());
                    insert.setString(3, user(path));
                    insert.setString(4, path.getName());
                    insert.setLong(5, uidValidity.asLong());
                    insert.executeUpdate();
                }
                return null;
            });
            return new Mailbox(path, uidValidity, JPAId.of(id));
        });
    }

    @Override
    public Mono<MailboxId> rename(Mailbox mailbox) {
        return blocking(() -> {
            MailboxPath path = mailbox.generateAssociatedPath();
            JPAId id = (JPAId) mailbox.getMailboxId();
            database.write(connection -> {
                if (find(connection, path) != null) { // the mailbox itself included, as James's mappers do
                    throw new MailboxExistsException(path.getName());
                }
                try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE JAMES_MAILBOX SET MAILBOX_NAMESPACE = ?, USER_NAME = ?, MAILBOX_NAME = ? WHERE MAILBOX_ID = ?")) {
                    update.setString(1, path.getNamespace());
                    update.setString(2, user(path));
                    update.setString(3, path.getName());
                    update.setLong(4, id.getRawId());
                    if (update.executeUpdate() == 0) {
                        throw new MailboxNotFoundException(id);
                    }
                }
                return null;
            });
            return id;
        });
    }

    @Override
    public Mono<Void> delete(Mailbox mailbox) {
        return blocking(() -> {
            JPAId id = (JPAId) mailbox.getMailboxId();
            database.write(connection -> {
                for (String table : new String[] {"JAMES_MAIL_PROPERTY", "JAMES_MAIL_USERFLAG", "JAMES_MAIL", "JAMES_MAILBOX"}) {
                    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE MAILBOX_ID = ?")) {
                        delete.setLong(1, id.getRawId());
                        delete.executeUpdate();
                    }
                }
                return null;
            });
            uids.forget(id);
            modSeqs.forget(id);
            return null;
        }).then();
    }

    @Override
    public Mono<Mailbox> findMailboxByPath(MailboxPath path) {
        return blocking(() -> database.read(connection -> find(connection, path)));
    }

    private static Mailbox find(Connection connection, MailboxPath path) throws SQLException {
        String user = user(path);
        try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM JAMES_MAILBOX WHERE MAILBOX_NAME = ? "
            + "AND MAILBOX_NAMESPACE = ? AND " + (user == null ? "USER_NAME IS NULL" : "USER_NAME = ?"))) {
            select.setString(1, path.getName());
            select.setString(2, path.getNamespace());
            if (user != null) {
                select.setString(3, user);
            }
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? mailbox(row) : null;
            }
        }
    }

    @Override
    public Mono<Mailbox> findMailboxById(MailboxId mailboxId) {
        JPAId id = (JPAId) mailboxId;
        return blocking(() -> database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM JAMES_MAILBOX WHERE MAILBOX_ID = ?")) {
                select.setLong(1, id.getRawId());
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        throw new MailboxNotFoundException(id);
                    }
                    return mailbox(row);
                }
            }
        }));
    }

    @Override
    public Flux<Mailbox> findMailboxWithPathLike(MailboxQuery.UserBound query) {
        String user = query.getFixedUser().asString();
        return list("SELECT " + COLUMNS + " FROM JAMES_MAILBOX WHERE MAILBOX_NAME LIKE ? AND USER_NAME = ? AND MAILBOX_NAMESPACE = ?",
            MailboxExpressionBackwardCompatibility.getPathLike(query), user, query.getFixedNamespace())
            .filter(query::matches);
    }

    @Override
    public Mono<Boolean> hasChildren(Mailbox mailbox, char delimiter) {
        return list("SELECT " + COLUMNS + " FROM JAMES_MAILBOX WHERE MAILBOX_NAME LIKE ? AND USER_NAME = ? AND MAILBOX_NAMESPACE = ?",
            mailbox.getName() + delimiter + '%', mailbox.getUser().asString(), mailbox.getNamespace())
            .hasElements();
    }

    @Override
    public Flux<Mailbox> list() {
        return list("SELECT " + COLUMNS + " FROM JAMES_MAILBOX");
    }

    @Override
    public Flux<Mailbox> findNonPersonalMailboxes(Username userName, MailboxACL.Right right) {
        return Flux.empty();
    }

    @Override
    public Mono<ACLDiff> updateACL(Mailbox mailbox, MailboxACL.ACLCommand command) {
        return Mono.fromCallable(() -> {
            MailboxACL before = mailbox.getACL();
            MailboxACL after = before.apply(command);
            mailbox.setACL(after);
            return ACLDiff.computeDiff(before, after);
        });
    }

    @Override
    public Mono<ACLDiff> setACL(Mailbox mailbox, MailboxACL acl) {
        return Mono.fromCallable(() -> {
            MailboxACL before = mailbox.getACL();
            mailbox.setACL(acl);
            return ACLDiff.computeDiff(before, acl);
        });
    }

    private Flux<Mailbox> list(String sql, String... parameters) {
        return blocking(() -> database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    select.setString(i + 1, parameters[i]);
                }
                List<Mailbox> mailboxes = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        mailboxes.add(mailbox(rows));
                    }
                }
                return mailboxes;
            }
        })).flatMapIterable(mailboxes -> mailboxes);
    }

    private static Mailbox mailbox(ResultSet row) throws SQLException {
        MailboxPath path = new MailboxPath(row.getString("MAILBOX_NAMESPACE"), Username.of(row.getString("USER_NAME")),
            row.getString("MAILBOX_NAME"));
        long id = row.getLong("MAILBOX_ID");
        long validity = row.getLong("MAILBOX_UID_VALIDITY");
        return new Mailbox(path, UidValidity.isValid(validity) ? UidValidity.of(validity) : replaceInvalid(row.getStatement()
            .getConnection(), id, validity), JPAId.of(id));
    }

    /** Rows written by old James versions may hold an invalid UID validity: give them one, once, as the JPA store did. */
    private static UidValidity replaceInvalid(Connection connection, long id, long invalid) throws SQLException {
        UidValidity validity = UidValidity.generate();
        try (PreparedStatement update = connection.prepareStatement(
            "UPDATE JAMES_MAILBOX SET MAILBOX_UID_VALIDITY = ? WHERE MAILBOX_ID = ? AND MAILBOX_UID_VALIDITY = ?")) {
            update.setLong(1, validity.asLong());
            update.setLong(2, id);
            update.setLong(3, invalid);
            update.executeUpdate();
        }
        return validity;
    }

    private static String user(MailboxPath path) {
        return path.getUser() == null ? null : path.getUser().asString();
    }

    private static <T> Mono<T> blocking(java.util.concurrent.Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }
}
