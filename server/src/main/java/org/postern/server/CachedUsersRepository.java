package org.postern.server;

import javax.inject.Inject;

import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.james.user.api.model.User;
import org.apache.james.user.jpa.JPAUsersRepository;

/**
 * James's JPA users repository that answers "does this user exist?" (asked for every local recipient at RCPT and
 * again in the pipeline) from a {@link ReadCache}. Adding, changing or removing a user through this node empties the
 * cache. Passwords are always checked against the database.
 */
public class CachedUsersRepository extends JPAUsersRepository {
    private final ReadCache<Username, Boolean> existing;

    @Inject
    public CachedUsersRepository(DomainList domainList, DatabaseConfiguration database) {
        super(domainList);
        this.existing = new ReadCache<>(database.cacheTtl());
    }

    @Override
    public boolean contains(Username name) throws UsersRepositoryException {
        return existing.get(name, () -> super.contains(name));
    }

    @Override
    public void addUser(Username username, String password) throws UsersRepositoryException {
        try {
            super.addUser(username, password);
        } finally {
            existing.invalidateAll();
        }
    }

    @Override
    public void updateUser(User user) throws UsersRepositoryException {
        try {
            super.updateUser(user);
        } finally {
            existing.invalidateAll();
        }
    }

    @Override
    public void removeUser(Username name) throws UsersRepositoryException {
        try {
            super.removeUser(name);
        } finally {
            existing.invalidateAll();
        }
    }
}
