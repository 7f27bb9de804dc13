#!/usr/bin/env bash
# Installs what nnlab needs on Debian 12 (as root, or through sudo): only what is missing, so a
# second run does nothing and needs no network.
set -euo pipefail
packages=(
    build-essential g++ cmake ninja-build pkg-config       # the C++20 toolchain
    libeigen3-dev zlib1g-dev                               # the engine: Eigen 3.4, gzip IDX files
    qt6-base-dev qt6-base-dev-tools qt6-qpa-plugins        # Qt 6: widgets, Qt Test, moc
    libqcustomplot-dev qt6-httpserver-dev libgl-dev        # the desktop app
    qt6-websockets-dev                                     # Qt6HttpServer's CMake config needs it
    python3 python3-numpy                                  # data and benchmark scripts
    dataset-fashion-mnist                                  # nnlab-train --dataset fashion
    xvfb xdotool                                           # driving the GUI in checks
    help2man desktop-file-utils appstream                  # man pages; checking the install
    clang libclang-rt-14-dev                               # scripts/fuzz.sh: clang's libFuzzer
    lld                                                    # the dev-asan preset links with it
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "deps: run as root, or install sudo" >&2; exit 1; }
    sudo=(sudo)
fi
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)
"${apt[@]}" update -qq
"${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" </dev/null
