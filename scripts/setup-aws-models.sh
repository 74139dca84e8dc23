#!/usr/bin/env bash
# The official AWS API models that the AWS emulator checks every request against
# (test/aws/emulator/models.ts): botocore's data for sagemaker, sagemaker-runtime, ecr, logs, s3 and sts, from Debian's
# python3-botocore of Debian 13 (Debian 12's, 1.29.27, predates members smct sends). The package is
# downloaded with apt-get into a throwaway folder, not installed: nothing of the system changes.
# Unpacked into $SMCT_CACHE/aws-models (default ~/.cache/sagemaker-container-tools); idempotent.
set -euo pipefail

CACHE="${SMCT_CACHE:-$HOME/.cache/sagemaker-container-tools}"
TARGET="$CACHE/aws-models"
SUITE="${SMCT_BOTOCORE_SUITE:-trixie}"
SERVICES=(sagemaker sagemaker-runtime ecr logs s3 sts)

# A cache made before a service joined the list is made again.
complete=true
for service in "${SERVICES[@]}"; do [ -d "$TARGET/data/$service" ] || complete=false; done
if [ -f "$TARGET/data/.complete" ] && $complete; then
  echo "AWS API models (botocore $(cat "$TARGET/data/.complete")) are in $TARGET/data."
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/archives/partial"
echo "deb http://deb.debian.org/debian $SUITE main" >"$work/sources.list"
# A private source list, list folder and cache: the system's apt state is neither read nor changed.
apt_options=(
  -o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-"
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache::Archives=$work/archives"
  -o "APT::Sandbox::User=root" -o "Debug::NoLocking=1"
)
if ! { apt-get "${apt_options[@]}" update && (cd "$work" && apt-get "${apt_options[@]}" download python3-botocore); } >"$work/apt.log" 2>&1; then
  echo "Downloading Debian's python3-botocore ($SUITE) failed:" >&2
  tail -20 "$work/apt.log" >&2
  exit 1
fi
deb=$(ls "$work"/python3-botocore_*.deb)
version=$(dpkg-deb -f "$deb" Version)
dpkg-deb -x "$deb" "$work/root"
data="$work/root/usr/lib/python3/dist-packages/botocore/data"

# Only these services, written next to the target and renamed into place: never half there.
rm -rf "$TARGET.partial"
mkdir -p "$TARGET.partial/data"
for service in "${SERVICES[@]}"; do cp -r "$data/$service" "$TARGET.partial/data/"; done
echo "$version" >"$TARGET.partial/data/.complete"
rm -rf "$TARGET"
mv "$TARGET.partial" "$TARGET"
echo "AWS API models (botocore $version) are in $TARGET/data."
