package org.postern.routing;

import java.util.List;
import java.util.stream.Collectors;

import org.postern.dns.MxHost;

/**
 * The next hop chosen for one destination domain: the table entry that decided it and what it resolved to.
 * Recipients of a mail that share a {@link #nextHop()} travel together.
 */
public record Route(String domain, TransportTable.Entry entry, Outcome outcome) {
    public sealed interface Outcome {
    }

    /** Send over SMTP to these hosts, in this order, on this port. */
    public record Deliver(List<MxHost> hosts, int port) implements Outcome {
        public Deliver {
            hosts = List.copyOf(hosts);
        }
    }

    public record Local() implements Outcome {
    }

    /** Hand the mail to this Camel endpoint ({@code camel:} next hops). */
    public record Endpoint(String uri) implements Outcome {
    }

    public record Discard() implements Outcome {
    }

    /** No route: {@code status} is an enhanced status code, 5.x.x permanent or 4.x.x temporary. */
    public record Failed(String status, String text) implements Outcome {
        public boolean permanent() {
            return status.startsWith("5");
        }
    }

    /** What is recorded on the mail and matchers compare: mx:example.com, smtp:[10.0.0.5]:2525, lmtp:[10.0.0.9]:24, camel:direct:x, local, discard, error. */
    public NextHop nextHop() {
        if (outcome instanceof Failed) {
            return new NextHop.NoRoute();
        }
        if (outcome instanceof Local) {
            return new NextHop.Local();
        }
        if (outcome instanceof Discard) {
            return new NextHop.Discard();
        }
        return entry.recordedNextHop(domain);
    }

    /** One line for logs and the mail attribute: entry, hosts and addresses. */
    public String describe() {
        String chosenBy = "entry " + entry.pattern() + (entry.line() > 0 ? " (" + TransportTable.FILE + ":" + entry.line() + ")" : "");
        if (outcome instanceof Failed failed) {
            return chosenBy + "; " + failed.status() + " " + failed.text();
        }
        if (outcome instanceof Deliver deliver) {
            return chosenBy + "; hosts " + deliver.hosts().stream()
                .map(host -> host.name() + "[" + host.addresses().stream().map(address -> address.getHostAddress())
                    .collect(Collectors.joining(",")) + "]")
                .collect(Collectors.joining(" ")) + " port " + deliver.port();
        }
        return chosenBy + "; " + nextHop().asString();
    }
}
