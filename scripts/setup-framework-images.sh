#!/usr/bin/env bash
# Makes the offline framework base images the `smct init` templates are tested on: the local
# Debian Python image (setup-python-image.sh) with Debian's own scikit-learn, XGBoost or PyTorch
# (CPU) installed by apt. No registry is needed; apt reaches this machine's Debian mirror through
# the host's network (docker build --network host). TensorFlow has no Debian package: its template
# is tested with a stand-in module the test builds on the scikit-learn image (it has NumPy).
# Idempotent: an image that exists is kept.
set -euo pipefail

BASE=smct-debian-python:bookworm
# image tag suffix and its Debian package (https://packages.debian.org/bookworm/<package>)
FRAMEWORKS="sklearn:python3-sklearn xgboost:python3-xgboost torch:python3-torch"

docker image inspect "$BASE" >/dev/null 2>&1 || bash "$(dirname "$0")/setup-python-image.sh"
for entry in $FRAMEWORKS; do
  image="smct-debian-python-${entry%%:*}:bookworm"
  package="${entry#*:}"
  if docker image inspect "$image" >/dev/null 2>&1; then
    echo "$image is present."
    continue
  fi
  context=$(mktemp -d)
  trap 'rm -rf "$context"' EXIT
  cat >"$context/Dockerfile" <<DOCKERFILE
FROM $BASE
RUN apt-get update -qq \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $package >/dev/null \\
 && rm -rf /var/lib/apt/lists/*
DOCKERFILE
  docker build --network host -q -t "$image" "$context" >/dev/null
  rm -rf "$context"
  echo "$image is ready."
done
