package org.postern.server;

import org.apache.james.core.Domain;
import org.apache.james.rrt.api.RecipientRewriteTableException;
import org.apache.james.rrt.jpa.JPARecipientRewriteTable;
import org.apache.james.rrt.lib.Mapping;
import org.apache.james.rrt.lib.MappingSource;
import org.apache.james.rrt.lib.Mappings;

/**
 * James's JPA recipient rewrite table (aliases, forwards, domain aliases) whose lookups, made for every recipient
 * at RCPT and in the pipeline, come from a {@link ReadCache}. Every mapping added or removed through this node goes
 * through {@link #addMapping}/{@link #removeMapping}, which empty the cache.
 */
public class CachedRecipientRewriteTable extends JPARecipientRewriteTable {
    private final ReadCache<String, Mappings> addresses;
    private final ReadCache<MappingSource, Mappings> stored;

    @javax.inject.Inject
    public CachedRecipientRewriteTable(DatabaseConfiguration database) {
        this.addresses = new ReadCache<>(database.cacheTtl());
        this.stored = new ReadCache<>(database.cacheTtl());
    }

    @Override
    protected Mappings mapAddress(String user, Domain domain) throws RecipientRewriteTableException {
        return addresses.get(user + '@' + domain.asString(), () -> super.mapAddress(user, domain));
    }

    @Override
    public Mappings getStoredMappings(MappingSource source) throws RecipientRewriteTableException {
        return stored.get(source, () -> super.getStoredMappings(source));
    }

    @Override
    public void addMapping(MappingSource source, Mapping mapping) throws RecipientRewriteTableException {
        try {
            super.addMapping(source, mapping);
        } finally {
            invalidateAll();
        }
    }

    @Override
    public void removeMapping(MappingSource source, Mapping mapping) throws RecipientRewriteTableException {
        try {
            super.removeMapping(source, mapping);
        } finally {
            invalidateAll();
        }
    }

    private void invalidateAll() {
        addresses.invalidateAll();
        stored.invalidateAll();
    }
}
