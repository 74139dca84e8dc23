#!/usr/bin/env bash
# Installs code-server (VS Code 1.100.3 for the browser, the last release on Node 20) into a cache
# folder outside the project, for the integration and end-to-end suites and `npm run demo`.
# Idempotent: a finished install is reused. Desktop VS Code cannot be downloaded on this network,
# and code-server's own post-install steps download ripgrep and need Kerberos headers, so the
# steps are done by hand here. Prints the install folder on its last line.
set -euo pipefail

VERSION=4.100.3
CACHE="${SMCT_CACHE:-$HOME/.cache/sagemaker-container-tools}"
TARGET="$CACHE/code-server-$VERSION"
MARKER="$TARGET/.smct-complete"

if [ -f "$MARKER" ]; then
  echo "$TARGET/node_modules/code-server"
  exit 0
fi

need_apt=()
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
[ -f /usr/include/krb5.h ] || [ -f /usr/include/gssapi/gssapi.h ] || need_apt+=(libkrb5-dev)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${need_apt[*]}. Install them with: sudo apt-get install ${need_apt[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

rm -rf "$TARGET.partial"
mkdir -p "$TARGET.partial"
cd "$TARGET.partial"
echo '{"name":"smct-code-server","private":true}' > package.json
npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION" >/dev/null
CS="$TARGET.partial/node_modules/code-server"
NODEDIR="$(npm config get nodedir)"
# npm's own node-gyp; --nodedir points it at the machine's Node headers (it cannot download them).
NODE_GYP="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/node_modules/node-gyp/bin/node-gyp.js"
(
  cd "$CS/lib/vscode"
  npm install --no-audit --no-fund --omit=dev --ignore-scripts >/dev/null
  for module in kerberos @parcel/watcher @vscode/deviceid @vscode/spdlog native-watchdog node-pty; do
    if [ -d "node_modules/$module" ]; then
      (cd "node_modules/$module" && node "$NODE_GYP" rebuild --nodedir="$NODEDIR" >/dev/null 2>&1) || { echo "building $module failed" >&2; exit 1; }
    fi
  done
  mkdir -p node_modules/@vscode/ripgrep/bin
  cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  ln -sfn node_modules node_modules.asar
)
# argon2 (password hashing) is the native module of the top folder. npm 11 does not run install
# scripts that are not allowed, and code-server's own postinstall downloads, so build it directly.
(cd "$TARGET.partial/node_modules/argon2" && npm_config_node_gyp="$NODE_GYP" node ../@mapbox/node-pre-gyp/bin/node-pre-gyp rebuild --build-from-source --nodedir="$NODEDIR" >/dev/null 2>&1) || {
  echo "building argon2 failed" >&2
  exit 1
}
touch "$TARGET.partial/.smct-complete"
rm -rf "$TARGET"
mv "$TARGET.partial" "$TARGET"
echo "$TARGET/node_modules/code-server"
