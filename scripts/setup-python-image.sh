#!/usr/bin/env bash
# Makes a local Python base image without any registry: a Debian bookworm root filesystem with
# python3 (debootstrap from this machine's apt mirror), imported into Docker as
# smct-debian-python:bookworm. Used by the example's end-to-end test as its BASE_IMAGE.
# Idempotent: an existing image is kept; the root filesystem tarball is cached.
set -euo pipefail

IMAGE=smct-debian-python:bookworm
CACHE="${SMCT_CACHE:-$HOME/.cache/sagemaker-container-tools}"
TARBALL="$CACHE/debian-bookworm-python3.tar"

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "$IMAGE is present."
  exit 0
fi
if [ ! -f "$TARBALL" ]; then
  command -v debootstrap >/dev/null 2>&1 || {
    [ "$(id -u)" -eq 0 ] || { echo "debootstrap is missing: sudo apt-get install debootstrap" >&2; exit 1; }
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  }
  mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
  mirror=${mirror:-http://deb.debian.org/debian}
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  debootstrap --variant=minbase --include=python3 bookworm "$root" "$mirror" >/dev/null
  mkdir -p "$CACHE"
  tar -C "$root" -cf "$TARBALL.partial" .
  mv "$TARBALL.partial" "$TARBALL"
fi
docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' "$TARBALL" "$IMAGE" >/dev/null
echo "$IMAGE is ready."
