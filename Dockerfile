# syntax=docker/dockerfile:1
# The service's image: built with the same command CI runs (.ci/run reads
# the `RUN cargo build` line below and runs it), then copied onto a slim
# Debian with nothing else, running as an unprivileged user.

FROM rust:1-slim-bookworm AS builder
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src src
COPY migrations migrations
COPY emails emails
# bench/ is a workspace member: cargo needs its manifest even to build the service alone.
COPY bench bench
RUN cargo build --release --locked --bin atelier

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /var/lib/atelier --uid 10001 atelier
COPY --from=builder /src/target/release/atelier /usr/local/bin/atelier
USER atelier
WORKDIR /var/lib/atelier
ENV LISTEN_ADDR=0.0.0.0:8080 \
    MAIL_DIR=/var/lib/atelier/mail \
    SECRET_KEY_FILE=/var/lib/atelier/secret.key
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/atelier"]
CMD ["serve"]
