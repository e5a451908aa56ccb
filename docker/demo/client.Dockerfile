# Demo client: sends one message through Postern (to someone@partner.example unless told otherwise).
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends swaks && rm -rf /var/lib/apt/lists/*
ENTRYPOINT ["sh", "-c", "exec swaks --server postern:25 --from demo@example.test --to \"${1:-someone@partner.example}\" --header 'Subject: Postern demo' --body 'Relayed by Postern'", "demo-client"]
