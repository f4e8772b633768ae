#!/usr/bin/env bash
# vendor.sh re-vendors the GraphiQL IDE assets embedded by this package.
#
# It downloads the npm tarballs with `npm pack` (only the npm registry is
# needed, no CDN), extracts the UMD builds that gqlgen's
# graphql/playground handler would otherwise load from cdn.jsdelivr.net, copies
# them into ./assets under versioned file names, writes assets/LICENSES.txt,
# and prints each file's size and SHA-256/SHA-384 subresource-integrity string.
#
# Usage: server/graphiql/vendor.sh   (from any directory; needs npm + node)
#
# After bumping a version here, update the asset table in graphiql.go (file
# names and SRI strings) and run `go test ./server/graphiql/`; the tests fail
# if an embedded file does not match its pinned integrity string.
set -euo pipefail

GRAPHIQL_VERSION=4.1.2
REACT_VERSION=18.2.0
EXPLORER_VERSION=4.0.6

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="$here/assets"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
npm pack --silent \
	"graphiql@$GRAPHIQL_VERSION" \
	"react@$REACT_VERSION" \
	"react-dom@$REACT_VERSION" \
	"@graphiql/plugin-explorer@$EXPLORER_VERSION" >/dev/null
for tgz in *.tgz; do
	mkdir "${tgz%.tgz}"
	tar -xzf "$tgz" -C "${tgz%.tgz}"
done

gi="graphiql-$GRAPHIQL_VERSION/package"
re="react-$REACT_VERSION/package"
rd="react-dom-$REACT_VERSION/package"
ex="graphiql-plugin-explorer-$EXPLORER_VERSION/package"

mkdir -p "$dest"
rm -f "$dest"/*.js "$dest"/*.css "$dest"/LICENSES.txt

# source in tarball                 -> file name in assets/
# (gqlgen's CDN URL in parentheses)
copy() { cp "$1" "$dest/$2"; }
# (react@R/umd/react.production.min.js)
copy "$re/umd/react.production.min.js" "react-$REACT_VERSION.production.min.js"
# (react-dom@R/umd/react-dom.production.min.js)
copy "$rd/umd/react-dom.production.min.js" "react-dom-$REACT_VERSION.production.min.js"
# (graphiql@G/graphiql.min.js, graphiql@G/graphiql.min.css)
copy "$gi/graphiql.min.js" "graphiql-$GRAPHIQL_VERSION.min.js"
copy "$gi/graphiql.min.css" "graphiql-$GRAPHIQL_VERSION.min.css"
# (@graphiql/plugin-explorer@E/dist/index.umd.js)
copy "$ex/dist/index.umd.js" "graphiql-plugin-explorer-$EXPLORER_VERSION.umd.js"
# gqlgen loads dist/style.min.css, a file jsDelivr minifies on the fly; it is
# not in the npm tarball. dist/style.css (already minified) is used instead,
# so its integrity string differs from gqlgen's.
copy "$ex/dist/style.css" "graphiql-plugin-explorer-$EXPLORER_VERSION.css"

{
	echo "Third-party licenses for the files in this directory."
	echo "All packages are MIT licensed (see each package.json)."
	for p in "$gi" "$re" "$rd" "$ex"; do
		name="$(node -p "const p=require('./$p/package.json'); p.name+'@'+p.version")"
		echo
		echo "================================================================"
		echo "$name"
		echo "================================================================"
		if [ -f "$p/LICENSE" ]; then
			cat "$p/LICENSE"
		else
			echo "License: MIT (declared in package.json; the npm tarball ships no LICENSE file)."
		fi
	done
} >"$dest/LICENSES.txt"

echo "Vendored into $dest:"
cd "$dest"
for f in *.js *.css; do
	node -e '
		const fs = require("fs"), c = require("crypto");
		const f = process.argv[1], b = fs.readFileSync(f);
		const sri = (a) => a + "-" + c.createHash(a).update(b).digest("base64");
		console.log([f, b.length, sri("sha256"), sri("sha384")].join("\t"));
	' "$f"
done
