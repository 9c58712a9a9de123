#!/usr/bin/env bash
# Redraws the map gallery in docs/maps/ from the bundled seeds, each map by both engines:
#   docs/maps/make-gallery.sh
# The -graphviz files need Graphviz's `dot` on PATH. `cargo test --test cli map::gallery`
# checks that the committed -builtin files are what the current code draws.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --quiet --release
bin=target/release/dealgraph

# stem:arguments
maps=(
  "seeds:"
  "openai:--focus openai --radius 1"
  "loops:--loops"
)
for entry in "${maps[@]}"; do
  stem=${entry%%:*}
  read -r -a args <<<"${entry#*:}"
  "$bin" map --as-of 2026-01-31 "${args[@]}" --engine builtin --out "docs/maps/$stem-builtin.svg"
  if command -v dot >/dev/null; then
    "$bin" map --as-of 2026-01-31 "${args[@]}" --engine graphviz --out "docs/maps/$stem-graphviz.svg"
  else
    echo "warning: Graphviz is not installed; docs/maps/$stem-graphviz.svg was not redrawn" >&2
  fi
done
chmod 644 docs/maps/*.svg
echo "gallery redrawn in docs/maps/"
