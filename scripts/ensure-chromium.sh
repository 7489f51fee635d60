#!/bin/sh
# Makes sure Debian's Chromium is installed for the browser tests (test/browser/*.test.ts), which
# drive /usr/bin/chromium with playwright-core. Called from CI; needs root (or passwordless sudo).
# Never download a browser through npm/playwright: this is the only supported way to get one.
#
# Also installs a Thai font (fonts-tlwg-loma-otf, ~260 KB) when none is present, so that page
# screenshots show Thai text instead of empty boxes. The tests themselves do not depend on it.
set -eu

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  fi
fi

packages=""
if [ ! -x /usr/bin/chromium ]; then
  packages="chromium"
fi
# fontconfig comes with chromium; before that is installed, fc-list is missing and this adds the font.
if ! fc-list :lang=th 2>/dev/null | grep -q .; then
  packages="$packages fonts-tlwg-loma-otf"
fi

if [ -n "$packages" ]; then
  echo "ensure-chromium: installing:$packages"
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages
fi

if [ ! -x /usr/bin/chromium ]; then
  echo "ensure-chromium: /usr/bin/chromium is still missing after apt-get install" >&2
  exit 1
fi
# The Debian launcher script prints shell noise on some machines; keep only the version line.
/usr/bin/chromium --version 2>/dev/null | head -n 1
