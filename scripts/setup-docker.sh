#!/usr/bin/env bash
# Makes a Docker engine available for the local-training tests: installs Debian's docker.io and
# busybox-static when missing (as root) and starts dockerd in the background when `docker info`
# fails. Idempotent; a running engine is left as it is.
set -euo pipefail

if ! command -v dockerd >/dev/null 2>&1 && ! docker info >/dev/null 2>&1 || [ ! -x /bin/busybox ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Docker or busybox-static is missing. Install them: sudo apt-get install docker.io busybox-static" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io busybox-static >/dev/null
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
