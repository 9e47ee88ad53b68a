# kiln's job image: Node 20, git and the bundled CLI (dist/: kiln.js and its chunks) as `kiln`.
# Built by kiln itself (projects/kiln, context = the repository root) for linux/amd64 and linux/arm64.
# The bundle is plain JavaScript (no native modules), so the build stage's platform does not matter.
ARG NODE_BUILD_IMAGE=node:20-bookworm-slim
ARG NODE_RUNTIME_IMAGE=node:20-alpine3.22
# Signing (kiln attest, in the manifest job): cosign and syft, copied from their official images.
# Both are static Go binaries. Pinned by tag here, the versions scripts/go-tools.json tests; pin by
# digest with --build-arg COSIGN_IMAGE=ghcr.io/sigstore/cosign/cosign:v2.6.5@sha256:… (README, Signing).
ARG COSIGN_IMAGE=ghcr.io/sigstore/cosign/cosign:v2.6.5
ARG SYFT_IMAGE=docker.io/anchore/syft:v1.57.2

FROM ${COSIGN_IMAGE} AS cosign
FROM ${SYFT_IMAGE} AS syft

FROM ${NODE_BUILD_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: no install hooks run while building the image that holds CI tokens later.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY scripts/build.mjs scripts/build-options.mjs scripts/
COPY src src
RUN node scripts/build.mjs && node dist/kiln.js --version

FROM ${NODE_RUNTIME_IMAGE}
# git: selection and upstream pinning (ls-remote); openssh-client: ssh upstream URLs;
# ca-certificates: HTTPS to GitLab, registries and AWS.
RUN apk add --no-cache git openssh-client ca-certificates
# kiln.js imports its chunks relative to its real path, which Node resolves through the link.
COPY --from=build /src/dist/ /opt/kiln/
RUN ln -s /opt/kiln/kiln.js /usr/local/bin/kiln
# ko puts cosign at /ko-app/cosign; syft's image has it at /syft.
COPY --from=cosign /ko-app/cosign /usr/local/bin/cosign
COPY --from=syft /syft /usr/local/bin/syft
# GitLab runs job scripts with sh; no ENTRYPOINT, so the runner's shell detection works.
# Runs as root like the runner's default, so the job can write artifacts in the checkout.
ENTRYPOINT []
CMD ["kiln", "--help"]
LABEL org.opencontainers.image.title="kiln" \
      org.opencontainers.image.description="Builds multi-arch container images from a GitLab monorepo" \
      org.opencontainers.image.licenses="MIT"
