# syntax=docker/dockerfile:1
# Build: docker build --build-arg VERSION=$(git describe --tags --always) -t dingops .
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# The same line runs in bot/cli's TestDockerBuildLine, so it cannot rot.
RUN CGO_ENABLED=0 go build -buildvcs=false -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/dingops .

FROM debian:bookworm-slim
# CA certificates for DingTalk, OSS and Jenkins over TLS; tzdata for
# Asia/Shanghai (the binary also embeds time/tzdata); git for branch checks.
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata git openssh-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/dingops --create-home dingops
ENV TZ=Asia/Shanghai
COPY --from=build /out/dingops /usr/local/bin/dingops
USER 10001:10001
WORKDIR /var/lib/dingops
EXPOSE 9090 8080
ENTRYPOINT ["/usr/local/bin/dingops"]
CMD ["serve", "--config", "/etc/dingops/dingops.yaml"]
