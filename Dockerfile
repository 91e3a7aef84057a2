# syntax=docker/dockerfile:1
#
# A Steward worker: serves the workflow task queue and this host's activity queue
# (steward@<STEWARD_HOST_ID>). Run it next to the Temporal stack in docker-compose.temporal.yml.
#
# The agents run INSIDE this container. Steward starts each agent in a tmux session, and tmux
# sessions belong to the machine whose tmux server holds them — here, the container. So everything
# an agent needs must be in the image or mounted into it:
#   - the work repositories (the agents' `cwd` in the config), mounted at the SAME absolute paths
#     the config names, read-write;
#   - the agent CLI's state: for Claude Code, ~/.claude (credentials, settings, and the transcripts
#     Steward reads for token counts) and ~/.claude.json, mounted read-write at /home/steward;
#   - git credentials for pushing (~/.gitconfig, an SSH key or a credential helper), read-only;
#   - the agent CLI itself: build with --build-arg CLAUDE_CODE_VERSION=<version> to install
#     Claude Code from npm (the scripted demo agent needs nothing more).
#
#   docker build -t steward-worker --build-arg CLAUDE_CODE_VERSION=2.1.50 .
#   docker run -d --name steward-worker --network steward-temporal_default \
#     -e TEMPORAL_ADDRESS=temporal:7233 -e STEWARD_HOST_ID=build-box-1 \
#     -v /srv/builds:/srv/builds \
#     -v "$HOME/.claude:/home/steward/.claude" -v "$HOME/.claude.json:/home/steward/.claude.json" \
#     -v "$HOME/.gitconfig:/home/steward/.gitconfig:ro" -v "$HOME/.ssh:/home/steward/.ssh:ro" \
#     steward-worker
#   docker exec -it steward-worker tmux attach -t <session>     # watch an agent
#
# STEWARD_HOST_ID must be stable: the container's hostname changes on every `docker run`, and the
# activity queue (and so every running build's tmux work) is named after the host id. A restarted
# container loses its tmux sessions; the build workflow sees the dead sessions and reboots the
# agents, which resume from their commits and inboxes. The mounted files are owned by uid 1000
# inside the container (the `steward` user); match that on the host or build with your own uid.

ARG NODE_VERSION=20.19.5

# ── Build: compile TypeScript with the dev dependencies ───────────────────────────────────────────
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied; the build runs below.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ── Runtime ───────────────────────────────────────────────────────────────────────────────────────
FROM node:${NODE_VERSION}-bookworm-slim

# tmux holds the agents' sessions; git is what agents and Steward's observe step use; tini is PID 1
# so signals reach the worker and exited tmux children are reaped.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tmux git openssh-client ca-certificates tini procps \
  && rm -rf /var/lib/apt/lists/*

# Optional agent CLI (Claude Code), pinned by the builder.
ARG CLAUDE_CODE_VERSION=
RUN if [ -n "$CLAUDE_CODE_VERSION" ]; then \
      npm install -g "@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}" && npm cache clean --force; \
    fi

# A non-root user: the image's `node` user (uid 1000) renamed, home /home/steward.
RUN groupmod -n steward node && usermod -l steward -d /home/steward -m node

WORKDIR /opt/steward
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY config ./config

# TEMPORAL_ADDRESS: the compose stack's server by its service name. STEWARD_HOST_ID: override per
# host (see above). PATH puts `steward` there for the agents' Claude Code hooks (`steward hook`).
# UTF-8 so tmux passes Claude Code's box drawing and symbols through intact.
ENV NODE_ENV=production \
    TEMPORAL_ADDRESS=temporal:7233 \
    TEMPORAL_NAMESPACE=default \
    STEWARD_HOST_ID=steward-worker \
    PATH=/opt/steward/bin:$PATH \
    LANG=C.UTF-8 \
    HOME=/home/steward

USER steward
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "bin/steward", "worker"]
