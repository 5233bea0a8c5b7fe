# Build stage: compile the release binary.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock askama.toml ./
COPY api ./api
COPY migrations ./migrations
COPY tests ./tests
RUN cargo build --release --locked --bin delivery-tracker

# Runtime stage: the binary alone, as an unprivileged user.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 tracker
COPY --from=build /src/target/release/delivery-tracker /usr/local/bin/delivery-tracker
USER tracker
ENV BIND_ADDR=0.0.0.0:8080 LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"]
ENTRYPOINT ["delivery-tracker"]
CMD ["serve"]
