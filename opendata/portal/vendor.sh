#!/usr/bin/env bash
# vendor.sh re-vendors Apache ECharts, the only third-party asset the open-data
# portal embeds. The portal must work with no internet and reference no other
# host, so the file is served from the binary, never from a CDN.
#
# It downloads the npm tarball with `npm pack` (only the npm registry is
# needed), copies dist/echarts.min.js into ./assets under a versioned file
# name, writes assets/LICENSES.txt (Apache-2.0 plus the package's NOTICE) and
# prints the file's size and SHA-256 subresource-integrity string.
#
# Usage: opendata/portal/vendor.sh   (from any directory; needs npm + node)
#
# After bumping the version, update echartsVersion and echartsSRI in
# assets.go and run `go test ./opendata/portal/`; the tests fail if the
# embedded file does not match its pinned integrity string.
set -euo pipefail

ECHARTS_VERSION=6.1.0

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="$here/assets"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
npm pack --silent "echarts@$ECHARTS_VERSION" >/dev/null
mkdir pkg
tar -xzf "echarts-$ECHARTS_VERSION.tgz" -C pkg
src="pkg/package"

mkdir -p "$dest"
rm -f "$dest"/echarts-*.min.js "$dest"/LICENSES.txt
cp "$src/dist/echarts.min.js" "$dest/echarts-$ECHARTS_VERSION.min.js"

{
	echo "Third-party licenses for the vendored files in this directory."
	echo
	echo "================================================================"
	echo "echarts@$ECHARTS_VERSION (dist/echarts.min.js) — Apache License 2.0"
	echo "================================================================"
	if [ -f "$src/NOTICE" ]; then
		cat "$src/NOTICE"
		echo
	fi
	cat "$src/LICENSE"
} >"$dest/LICENSES.txt"

echo "Vendored into $dest:"
cd "$dest"
for f in echarts-*.min.js; do
	node -e '
		const fs = require("fs"), c = require("crypto");
		const f = process.argv[1], b = fs.readFileSync(f);
		console.log([f, b.length, "sha256-" + c.createHash("sha256").update(b).digest("base64")].join("\t"));
	' "$f"
done
