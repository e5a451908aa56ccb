package org.postern.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A DNS server on loopback that speaks the wire protocol over UDP and TCP (same port), answering from a per-test
 * zone: NXDOMAIN for unknown names, as maddy's test DNS does. Behaviours per name: SERVFAIL, no answer at all
 * (timeout), or a truncated UDP answer that must be asked again over TCP. Counts the queries it receives.
 */
public final class LoopbackDnsServer implements AutoCloseable {
    public enum Transport { UDP, TCP }

    private static final Record NEGATIVE_SOA = new org.xbill.DNS.SOARecord(name("test"), DClass.IN, 60,
        name("ns.test"), name("hostmaster.test"), 1, 3600, 600, 86400, 60);

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Map<Name, List<Record>> zone = new ConcurrentHashMap<>();
    private final Set<Name> servfail = ConcurrentHashMap.newKeySet();
    private final Set<Name> silent = ConcurrentHashMap.newKeySet();
    private final Set<Name> truncateOverUdp = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    private LoopbackDnsServer(DatagramSocket udp, ServerSocket tcp) {
        this.udp = udp;
        this.tcp = tcp;
        Thread udpLoop = new Thread(this::serveUdp, "loopback-dns-udp");
        udpLoop.setDaemon(true);
        udpLoop.start();
        Thread tcpLoop = new Thread(this::serveTcp, "loopback-dns-tcp");
        tcpLoop.setDaemon(true);
        tcpLoop.start();
    }

    /** Starts on 127.0.0.1, on a port free for both UDP and TCP. */
    public static LoopbackDnsServer start() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (int attempt = 0; attempt < 50; attempt++) {
            LoopbackDnsServer server = tryBind(loopback, 0);
            if (server != null) {
                return server;
            }
        }
        throw new IOException("no port free for both UDP and TCP on 127.0.0.1");
    }

    /**
     * Starts on port 53 of a free 127.0.53.x address, for configurations that cannot name a port (James's
     * dnsservice.xml takes bare IP addresses). Needs the right to bind port 53 (root, as in CI).
     */
    public static LoopbackDnsServer startOnPort53() throws IOException {
        for (int host = 1; host < 255; host++) {
            LoopbackDnsServer server = tryBind(InetAddress.getByName("127.0.53." + host), 53);
            if (server != null) {
                return server;
            }
        }
        throw new IOException("no 127.0.53.x address with port 53 free (binding port 53 needs root)");
    }

    /** UDP and TCP on the same address and port (0: any port), or null when either is taken. */
    private static LoopbackDnsServer tryBind(InetAddress address, int port) {
        DatagramSocket udp;
        try {
            udp = new DatagramSocket(new InetSocketAddress(address, port));
        } catch (IOException taken) {
            return null;
        }
        try {
            return new LoopbackDnsServer(udp, new ServerSocket(udp.getLocalPort(), 50, address));
        } catch (IOException taken) {
            udp.close();
            return null;
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    }

    /** A resolver pointed at this server only, with a short timeout. */
    public SimpleResolver resolver(Duration timeout) {
        SimpleResolver resolver = new SimpleResolver(address());
        resolver.setTimeout(timeout);
        return resolver;
    }

    // ---- zone

    public LoopbackDnsServer mx(String domain, int preference, String host, long ttl) {
        return add(new MXRecord(name(domain), DClass.IN, ttl, preference, name(host)));
    }

    public LoopbackDnsServer a(String host, String address, long ttl) {
        return add(new ARecord(name(host), DClass.IN, ttl, ip(address)));
    }

    public LoopbackDnsServer aaaa(String host, String address, long ttl) {
        return add(new AAAARecord(name(host), DClass.IN, ttl, ip(address)));
    }

    public LoopbackDnsServer cname(String alias, String target, long ttl) {
        return add(new CNAMERecord(name(alias), DClass.IN, ttl, name(target)));
    }

    public LoopbackDnsServer add(Record record) {
        zone.computeIfAbsent(record.getName(), any -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(record);
        return this;
    }

    public LoopbackDnsServer clear(String owner) {
        zone.remove(name(owner));
        return this;
    }

    public LoopbackDnsServer servfail(String owner) {
        servfail.add(name(owner));
        return this;
    }

    public LoopbackDnsServer silent(String owner) {
        silent.add(name(owner));
        return this;
    }

    public LoopbackDnsServer truncateOverUdp(String owner) {
        truncateOverUdp.add(name(owner));
        return this;
    }

    public int queries(String owner, int type, Transport transport) {
        AtomicInteger count = queries.get(key(name(owner), type, transport));
        return count == null ? 0 : count.get();
    }

    // ---- protocol

    private byte[] answer(byte[] request, Transport transport) throws IOException {
        Message query = new Message(request);
        Record question = query.getQuestion();
        Name owner = question.getName();
        queries.computeIfAbsent(key(owner, question.getType(), transport), any -> new AtomicInteger()).incrementAndGet();
        if (silent.contains(owner)) {
            return null;
        }
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        response.getHeader().setFlag(Flags.RA);
        response.addRecord(question, Section.QUESTION);
        if (servfail.contains(owner)) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
            return response.toWire();
        }
        if (transport == Transport.UDP && truncateOverUdp.contains(owner)) {
            response.getHeader().setFlag(Flags.TC);
            return response.toWire();
        }
        List<Record> answers = resolve(owner, question.getType(), 0);
        if (answers == null) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
        } else {
            answers.forEach(record -> response.addRecord(record, Section.ANSWER));
        }
        if (answers == null || answers.isEmpty()) {
            // as a real authoritative server does: the SOA makes the negative answer cacheable (RFC 2308)
            response.addRecord(NEGATIVE_SOA, Section.AUTHORITY);
        }
        return response.toWire();
    }

    /** Records for (owner, type), following CNAMEs; null when the owner does not exist at all. */
    private List<Record> resolve(Name owner, int type, int depth) {
        List<Record> records = zone.get(owner);
        if (records == null) {
            return depth == 0 ? null : List.of();
        }
        List<Record> matching = new ArrayList<>(records.stream().filter(record -> record.getType() == type).toList());
        if (matching.isEmpty() && type != Type.CNAME && depth < 8) {
            for (Record record : records) {
                if (record instanceof CNAMERecord cname) {
                    matching.add(cname);
                    List<Record> target = resolve(cname.getTarget(), type, depth + 1);
                    if (target != null) {
                        matching.addAll(target);
                    }
                }
            }
        }
        return matching;
    }

    private void serveUdp() {
        byte[] buffer = new byte[4096];
        while (running) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                udp.receive(packet);
                byte[] request = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
                byte[] response = answer(request, Transport.UDP);
                if (response != null) {
                    udp.send(new DatagramPacket(response, response.length, packet.getSocketAddress()));
                }
            } catch (IOException e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    private void serveTcp() {
        while (running) {
            try {
                Socket client = tcp.accept();
                Thread connection = new Thread(() -> serveTcpConnection(client), "loopback-dns-tcp-client");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                if (!running) {
                    return;
                }
            }
        }
    }

    private void serveTcpConnection(Socket client) {
        try (client; DataInputStream in = new DataInputStream(client.getInputStream());
             DataOutputStream out = new DataOutputStream(client.getOutputStream())) {
            while (running) {
                int length = in.readUnsignedShort();
                byte[] request = in.readNBytes(length);
                byte[] response = answer(request, Transport.TCP);
                if (response == null) {
                    continue;
                }
                out.writeShort(response.length);
                out.write(response);
                out.flush();
            }
        } catch (IOException e) {
            // client went away
        }
    }

    private static String key(Name owner, int type, Transport transport) {
        return owner.toString().toLowerCase(java.util.Locale.ROOT) + "/" + Type.string(type) + "/" + transport;
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text.endsWith(".") ? text : text + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static InetAddress ip(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (IOException e) {
            throw new IllegalArgumentException(address, e);
        }
    }

    @Override
    public void close() {
        running = false;
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
