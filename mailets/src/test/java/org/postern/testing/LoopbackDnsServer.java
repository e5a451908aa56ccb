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
import org.xbill.DNS.DNSKEYRecord;
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
 *
 * <p>DNSSEC: {@link #sign} makes a zone signed (one ECDSA P-256 key, RFC 6605): to queries with the DO bit, its
 * answers carry RRSIGs, its DNSKEY is served, and negative answers carry the signed SOA and NSEC records that prove
 * them (RFC 4035); {@link SignedZone#trustAnchor()} is what a validating resolver starts from. {@link #bogus} gives
 * a name signatures that do not verify.</p>
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
    private final Map<Name, SignedZone> signed = new ConcurrentHashMap<>();
    private final Set<Name> bogus = ConcurrentHashMap.newKeySet();

    /** A signed zone: its apex, key and the trust anchor (a DNSKEY record in zone-file form) to validate it with. */
    public record SignedZone(Name apex, DNSKEYRecord key, java.security.PrivateKey privateKey) {
        public String trustAnchor() {
            return key.toString() + "\n";
        }
    }
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

    public LoopbackDnsServer txt(String owner, String text, long ttl) {
        return add(new org.xbill.DNS.TXTRecord(name(owner), DClass.IN, ttl, text));
    }

    /** {@code _port._tcp.host} TLSA (RFC 6698). */
    public LoopbackDnsServer tlsa(String host, int port, int usage, int selector, int matchingType, byte[] data, long ttl) {
        return add(new org.xbill.DNS.TLSARecord(name("_" + port + "._tcp." + host), DClass.IN, ttl, usage, selector, matchingType, data));
    }

    /** Signs the zone at {@code apex} (and everything below it) with a fresh key. */
    public SignedZone sign(String apex) {
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
            generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
            java.security.KeyPair pair = generator.generateKeyPair();
            Name zone = name(apex);
            DNSKEYRecord key = new DNSKEYRecord(zone, DClass.IN, 3600, DNSKEYRecord.Flags.ZONE_KEY | DNSKEYRecord.Flags.SEP_KEY,
                DNSKEYRecord.Protocol.DNSSEC, org.xbill.DNS.DNSSEC.Algorithm.ECDSAP256SHA256, pair.getPublic());
            SignedZone zoneKey = new SignedZone(zone, key, pair.getPrivate());
            signed.put(zone, zoneKey);
            return zoneKey;
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign " + apex, e);
        }
    }

    /** The records of this owner get signatures that do not verify (a forged answer). */
    public LoopbackDnsServer bogus(String owner) {
        bogus.add(name(owner));
        return this;
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
        SignedZone zone = zoneOf(owner);
        boolean dnssec = zone != null && query.getOPT() != null && (query.getOPT().getFlags() & org.xbill.DNS.ExtendedFlags.DO) != 0;
        if (query.getOPT() != null) {
            response.addRecord(new org.xbill.DNS.OPTRecord(4096, 0, 0, dnssec ? org.xbill.DNS.ExtendedFlags.DO : 0), Section.ADDITIONAL);
        }
        if (servfail.contains(owner)) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
            return response.toWire();
        }
        if (transport == Transport.UDP && truncateOverUdp.contains(owner)) {
            response.getHeader().setFlag(Flags.TC);
            return response.toWire();
        }
        if (dnssec) {
            return signedAnswer(response, zone, owner, question.getType()).toWire();
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

    // ---- DNSSEC

    private SignedZone zoneOf(Name owner) {
        SignedZone best = null;
        for (SignedZone zone : signed.values()) {
            if (owner.subdomain(zone.apex()) && (best == null || zone.apex().labels() > best.apex().labels())) {
                best = zone;
            }
        }
        return best;
    }

    /** A signed zone's answer: the RRsets with their RRSIGs; a negative answer proven by the SOA and NSEC records. */
    private Message signedAnswer(Message response, SignedZone zone, Name owner, int type) {
        List<Record> answers = type == Type.DNSKEY && owner.equals(zone.apex()) ? List.of(zone.key()) : resolve(owner, type, 0);
        if (answers != null && !answers.isEmpty()) {
            addSigned(response, zone, answers, Section.ANSWER);
            return response;
        }
        java.util.TreeSet<Name> names = new java.util.TreeSet<>();
        names.add(zone.apex());
        this.zone.keySet().stream().filter(name -> name.subdomain(zone.apex())).forEach(names::add);
        List<Record> proof = new ArrayList<>();
        proof.add(soa(zone));
        if (answers == null) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            proof.add(nsec(zone, names, names.lower(owner)));
            Name encloser = owner;
            while (!names.contains(encloser) && encloser.labels() > zone.apex().labels()) {
                encloser = new Name(encloser, 1);
            }
            Name wildcard = Name.fromConstantString("*." + encloser);
            Name coveringWildcard = names.lower(wildcard);
            if (!coveringWildcard.equals(names.lower(owner))) {
                proof.add(nsec(zone, names, coveringWildcard));
            }
        } else {
            proof.add(nsec(zone, names, owner));
        }
        addSigned(response, zone, proof, Section.AUTHORITY);
        return response;
    }

    private Record soa(SignedZone zone) {
        return new org.xbill.DNS.SOARecord(zone.apex(), DClass.IN, 60, Name.fromConstantString("ns." + zone.apex()),
            Name.fromConstantString("hostmaster." + zone.apex()), 1, 3600, 600, 86400, 60);
    }

    /** The NSEC record at {@code at}: the next name of the zone, and the types {@code at} has. */
    private Record nsec(SignedZone zone, java.util.TreeSet<Name> names, Name at) {
        Name next = names.higher(at);
        java.util.Set<Integer> types = new java.util.TreeSet<>(List.of(Type.RRSIG, Type.NSEC));
        if (at.equals(zone.apex())) {
            types.addAll(List.of(Type.SOA, Type.DNSKEY));
        }
        this.zone.getOrDefault(at, List.of()).forEach(record -> types.add(record.getType()));
        return new org.xbill.DNS.NSECRecord(at, DClass.IN, 60, next == null ? zone.apex() : next,
            types.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Adds the records and one RRSIG per RRset (one that does not verify for a bogus owner). */
    private void addSigned(Message response, SignedZone zone, List<Record> records, int section) {
        Map<String, List<Record>> sets = new java.util.LinkedHashMap<>();
        for (Record record : records) {
            sets.computeIfAbsent(record.getName() + "/" + record.getType(), any -> new ArrayList<>()).add(record);
        }
        java.time.Instant now = java.time.Instant.now();
        for (List<Record> set : sets.values()) {
            set.forEach(record -> response.addRecord(record, section));
            try {
                org.xbill.DNS.RRSIGRecord signature = org.xbill.DNS.DNSSEC.sign(new org.xbill.DNS.RRset(set), zone.key(),
                    zone.privateKey(), now.minusSeconds(3600), now.plusSeconds(86400));
                if (bogus.contains(set.get(0).getName())) {
                    byte[] forged = signature.getSignature().clone();
                    forged[forged.length / 2] ^= 0x55;
                    signature = new org.xbill.DNS.RRSIGRecord(signature.getName(), signature.getDClass(), signature.getTTL(),
                        signature.getTypeCovered(), signature.getAlgorithm(), signature.getOrigTTL(), signature.getExpire(),
                        signature.getTimeSigned(), signature.getFootprint(), signature.getSigner(), forged);
                }
                response.addRecord(signature, section);
            } catch (org.xbill.DNS.DNSSEC.DNSSECException e) {
                throw new IllegalStateException("cannot sign " + set, e);
            }
        }
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
