package org.postern.server;

import javax.inject.Inject;
import javax.persistence.EntityManagerFactory;

import org.apache.james.core.Domain;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.domainlist.jpa.JPADomainList;

/**
 * James's JPA domain list that answers "is this domain local?" from a {@link ReadCache}: every RCPT and every
 * mail in the pipeline asks it, and domains change rarely. Adding or removing a domain through this node (webadmin,
 * CLI) empties the cache, so the very next SMTP transaction sees the change.
 */
public class CachedDomainList extends JPADomainList {
    private final ReadCache<Domain, Boolean> local;

    @Inject
    public CachedDomainList(DNSService dns, EntityManagerFactory entityManagerFactory, DatabaseConfiguration database) {
        super(dns, entityManagerFactory);
        this.local = new ReadCache<>(database.cacheTtl());
    }

    @Override
    protected boolean containsDomainInternal(Domain domain) throws DomainListException {
        return local.get(domain, () -> super.containsDomainInternal(domain));
    }

    @Override
    public void addDomain(Domain domain) throws DomainListException {
        try {
            super.addDomain(domain);
        } finally {
            local.invalidateAll();
        }
    }

    @Override
    public void doRemoveDomain(Domain domain) throws DomainListException {
        try {
            super.doRemoveDomain(domain);
        } finally {
            local.invalidateAll();
        }
    }
}
