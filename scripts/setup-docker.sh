#!/usr/bin/env bash
# Makes a Docker engine available for the local-training tests: installs Debian's docker.io and
# busybox-static when missing (as root) and starts dockerd in the background when `docker info`
# fails. Also installs docker-registry (distribution 2.8) and apache2-utils (htpasswd) for the push
# tests, which start their own registry (test/helpers/registry.ts).
# Idempotent; a running engine is left as it is.
set -euo pipefail

if ! command -v dockerd >/dev/null 2>&1 && ! docker info >/dev/null 2>&1 || [ ! -x /bin/busybox ] ||
  [ ! -x /usr/bin/docker-registry ] || ! command -v htpasswd >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Docker, busybox-static, docker-registry or apache2-utils (htpasswd) is missing. Install them:" \
      "sudo apt-get install docker.io busybox-static docker-registry apache2-utils" >&2
    exit 1
  fi
  had_registry=$([ -x /usr/bin/docker-registry ] && echo yes || echo no)
  apt_log="${TMPDIR:-/tmp}/smct-apt.log"
  if ! { apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get install -y -qq \
      docker.io busybox-static docker-registry apache2-utils; } >"$apt_log" 2>&1; then
    echo "apt-get failed; its output: $apt_log" >&2
    tail -20 "$apt_log" >&2
    exit 1
  fi
  # The package enables and starts a registry service on :5000 where services may start; the
  # push tests start their own registry (test/helpers/registry.ts), so leave none running.
  if [ "$had_registry" = no ]; then
    if [ -d /run/systemd/system ]; then
      systemctl disable --now docker-registry.service >/dev/null 2>&1 || true
    else
      service docker-registry stop >/dev/null 2>&1 || true
      update-rc.d docker-registry disable >/dev/null 2>&1 || true
    fi
  fi
fi

if ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "The Docker daemon is not running. Start it: sudo systemctl start docker (or sudo dockerd &)" >&2
    exit 1
  fi
  log="${TMPDIR:-/tmp}/smct-dockerd.log"
  nohup setsid dockerd >"$log" 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start; its log: $log" >&2; tail -20 "$log" >&2; exit 1; }
fi
echo "Docker $(docker info --format '{{.ServerVersion}}') is running."
