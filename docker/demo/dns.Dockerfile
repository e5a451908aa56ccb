# Demo DNS server: partner.example's MX is the SMTP sink; every other name is NXDOMAIN (no forwarding).
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends dnsmasq && rm -rf /var/lib/apt/lists/*
EXPOSE 53/udp 53/tcp
ENTRYPOINT ["dnsmasq", "--keep-in-foreground", "--log-queries", "--log-facility=-", "--no-resolv", "--no-hosts", \
    "--mx-host=partner.example,mx.partner.example,10", "--host-record=mx.partner.example,172.30.25.25", \
    "--mx-host=example.test,mail.example.test,10", "--host-record=mail.example.test,172.30.25.10"]
