#!/usr/bin/env bash
# Installs what nnlab needs on Debian 12 (as root, or through sudo); only what is missing.
set -euo pipefail
packages=(g++ cmake ninja-build pkg-config qt6-base-dev qt6-base-dev-tools libqcustomplot-dev
          libeigen3-dev zlib1g-dev qt6-httpserver-dev libgl-dev qt6-qpa-plugins python3
          python3-numpy dataset-fashion-mnist xvfb xdotool)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
