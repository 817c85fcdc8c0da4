#!/bin/sh
# Install bubblewrap (the sandbox for generated code) when it is missing.
# Debian/Ubuntu: apt-get; other systems: print what to install and fail.
set -eu
if command -v bwrap >/dev/null 2>&1; then
    echo "bubblewrap present: $(bwrap --version)"
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "bubblewrap missing and not root: install the 'bubblewrap' package" >&2
        exit 1
    fi
fi
if command -v apt-get >/dev/null 2>&1; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq bubblewrap
elif command -v dnf >/dev/null 2>&1; then
    $SUDO dnf install -y bubblewrap
elif command -v apk >/dev/null 2>&1; then
    $SUDO apk add --no-cache bubblewrap
else
    echo "bubblewrap missing: install the 'bubblewrap' package" >&2
    exit 1
fi
bwrap --version
