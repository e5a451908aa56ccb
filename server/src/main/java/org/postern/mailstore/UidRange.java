package org.postern.mailstore;

import java.sql.PreparedStatement;
import java.sql.SQLException;

import org.apache.james.mailbox.model.MessageRange;

/** A {@link MessageRange} as a condition on {@code MAIL_UID}, for any of the message tables. */
record UidRange(MessageRange range) {
    static UidRange of(MessageRange range) {
        return new UidRange(range);
    }

    String sql() {
        return switch (range.getType()) {
            case ONE -> " AND MAIL_UID = ?";
            case FROM -> " AND MAIL_UID >= ?";
            case RANGE -> " AND MAIL_UID BETWEEN ? AND ?";
            case ALL -> "";
        };
    }

    void bind(PreparedStatement statement, int index) throws SQLException {
        switch (range.getType()) {
            case ONE, FROM -> statement.setLong(index, range.getUidFrom().asLong());
            case RANGE -> {
                statement.setLong(index, range.getUidFrom().asLong());
                statement.setLong(index + 1, range.getUidTo().asLong());
            }
            case ALL -> {
            }
        }
    }
}
