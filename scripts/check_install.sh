#!/usr/bin/env bash
# Installs a build folder (default build/dev-asan, the build CI has just tested) into a temporary
# prefix, checks that every file is there, validates the launcher entry and the AppStream metainfo,
# then copies the prefix to another temporary folder (so nothing can point back into the source or
# build tree) and runs the installed programs from an empty folder, with HOME and the XDG folders
# pointed at an empty one: nnlab-train --preset lesson-100, nnlab-predict on the first of the
# lesson's bundled test digits, nnlab-model info on the bundled model and nnlab --screenshot.
# Exits non-zero on the first failure.
#   bash scripts/check_install.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
source_dir=$PWD
build=${1:-build/dev-asan}
started=$SECONDS
fail() { echo "check_install: $*" >&2; exit 1; }
[ -f "$build/CMakeCache.txt" ] ||
    fail "$build is not a build folder (cmake --workflow --preset ci makes build/dev-asan)"
for tool in desktop-file-validate appstreamcli; do
    command -v "$tool" >/dev/null || fail "$tool is missing (bash scripts/deps.sh installs it)"
done

# What is installed: only the programs, man pages and changelog need building.
cmake --build "$build" --target nnlab nnlab-train nnlab-predict nnlab-model nnlab-serve \
    nnlab_man_pages >/dev/null
scratch=$(mktemp -d "${TMPDIR:-/tmp}/nnlab-check-install.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
case "$scratch/" in "$source_dir"/*) fail "the temporary folder $scratch is inside the source tree";; esac
cmake --install "$build" --prefix "$scratch/staged" >/dev/null

# Moved away from where it was installed: a path kept from the staging prefix would break too.
cp -a "$scratch/staged" "$scratch/prefix"
rm -rf "$scratch/staged"
prefix=$scratch/prefix
id=io.github.nnlab.nnlab
expected=(
    bin/nnlab bin/nnlab-train bin/nnlab-predict bin/nnlab-model bin/nnlab-serve
    share/nnlab/mnist/train-images-idx3-ubyte.gz share/nnlab/mnist/train-labels-idx1-ubyte.gz
    share/nnlab/mnist/t10k-images-idx3-ubyte.gz share/nnlab/mnist/t10k-labels-idx1-ubyte.gz
    share/nnlab/mnist_train_100.csv share/nnlab/mnist_test_10.csv share/nnlab/models/default.nnlab
    "share/applications/$id.desktop" "share/icons/hicolor/scalable/apps/$id.svg"
    "share/metainfo/$id.metainfo.xml" share/doc/nnlab/copyright
    share/man/man1/nnlab.1.gz share/man/man1/nnlab-train.1.gz share/man/man1/nnlab-predict.1.gz
    share/man/man1/nnlab-model.1.gz share/man/man1/nnlab-serve.1.gz
)
for f in "${expected[@]}"; do
    [ -s "$prefix/$f" ] || fail "cmake --install did not install $f"
done
for p in nnlab nnlab-train nnlab-predict nnlab-model nnlab-serve; do
    [ -x "$prefix/bin/$p" ] || fail "bin/$p is not executable"
done
echo "check_install: $build installed every file, copied to $prefix"

# The launcher entry, the metainfo (--strict: any warning fails), the icon and the man pages.
desktop-file-validate "$prefix/share/applications/$id.desktop" ||
    fail "desktop-file-validate found errors"
appstreamcli validate --no-net --strict "$prefix/share/metainfo/$id.metainfo.xml" >/dev/null ||
    { appstreamcli validate --no-net --strict "$prefix/share/metainfo/$id.metainfo.xml" || true
      fail "appstreamcli validate found problems"; }
grep -qx "Exec=nnlab" "$prefix/share/applications/$id.desktop" || fail "the entry does not run nnlab"
python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' \
    "$prefix/share/icons/hicolor/scalable/apps/$id.svg" || fail "the icon is not well-formed SVG"
for page in "$prefix"/share/man/man1/*.1.gz; do
    gzip -t "$page" || fail "$page is not gzip"
    for section in '^\.TH ' '^\.SH SYNOPSIS' '^\.SH DESCRIPTION' '^\.SH FILES' '^\.SH "SEE ALSO"'; do
        zcat "$page" | grep -q "$section" || fail "$(basename "$page"): no ${section#^}"
    done
    if command -v groff >/dev/null; then
        warnings=$(zcat "$page" | LC_ALL=C.UTF-8 groff -man -ww -z -Tutf8 2>&1) || true
        [ -z "$warnings" ] || fail "$(basename "$page"): groff says: $warnings"
    fi
done

# The programs, as a user with a fresh account runs them: from an empty folder, an empty HOME,
# no NNLAB_* variables, the prefix's bin on PATH.
mkdir -p "$scratch/home" "$scratch/work" "$scratch/runtime"
chmod 700 "$scratch/runtime"
cd "$scratch/work"
run() { # a stuck program (the window waits for data that never loads) fails after 5 minutes
    timeout 300 env -u NNLAB_DATA_DIR -u NNLAB_MODEL -u XDG_DATA_DIRS -u XDG_CONFIG_DIRS \
        HOME="$scratch/home" XDG_CONFIG_HOME="$scratch/home/.config" \
        XDG_DATA_HOME="$scratch/home/.local/share" XDG_CACHE_HOME="$scratch/home/.cache" \
        XDG_RUNTIME_DIR="$scratch/runtime" PATH="$prefix/bin:$PATH" "$@"
}
expect() { # expect <what> <extended regex> <output>
    printf '%s\n' "$3" | grep -Eq -- "$2" || { printf '%s\n' "$3" >&2; fail "$1: no match for $2"; }
}

out=$(run nnlab-train --preset lesson-100 --json 2>&1) || { echo "$out" >&2; fail "nnlab-train failed"; }
expect "nnlab-train --preset lesson-100" '"type":"summary".*"epochs":5' "$out"
echo "check_install: nnlab-train --preset lesson-100 trained 5 epochs on the installed MNIST"

# The first of the lesson's test digits (a 7) as a PGM image, from the installed CSV.
head -n 1 "$prefix/share/nnlab/mnist_test_10.csv" |
    awk -F, '{ printf "P2\n28 28\n255\n"; for (i = 2; i <= NF; i++) printf "%s%s", $i, ((i - 1) % 28 ? " " : "\n") }' \
    >digit.pgm
out=$(run nnlab-predict digit.pgm 2>&1) || { echo "$out" >&2; fail "nnlab-predict failed"; }
expect "nnlab-predict (the bundled default model)" '^digit 7, confidence' "$out"
echo "check_install: nnlab-predict with the installed default model: $(printf '%s\n' "$out" | head -n 1)"

out=$(run nnlab-model info "$prefix/share/nnlab/models/default.nnlab" 2>&1) ||
    { echo "$out" >&2; fail "nnlab-model info failed"; }
expect "nnlab-model info" 'network +784-256-10 relu' "$out"
echo "check_install: nnlab-model info read the installed default model"

out=$(run env QT_QPA_PLATFORM=offscreen nnlab --screenshot window.png --preset lesson-100 2>&1) ||
    { echo "$out" >&2; fail "nnlab --screenshot failed"; }
[ "$(head -c 8 window.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
    { echo "$out" >&2; fail "nnlab --screenshot wrote no PNG"; }
if printf '%s\n' "$out" | grep -q "is not in"; then
    echo "$out" >&2
    fail "nnlab did not find a bundled file"
fi
echo "check_install: nnlab --screenshot rendered the window ($(wc -c <window.png) bytes of PNG)"

size=$(du -sh "$prefix" | cut -f1)
echo "check_install: $build installed ($size), validated and run from a copy in $((SECONDS - started)) s"
