#!/usr/bin/env bash
# Redraws the map gallery in docs/maps/ from the bundled seeds, each map by both engines,
# a PNG of each builtin map (resvg, twice the SVG's size) and one PDF (loops.pdf):
#   docs/maps/make-gallery.sh
# DEALGRAPH_BIN=target/debug/dealgraph skips the release build.
# The -graphviz files need Graphviz's `dot` on PATH. `cargo test --test cli map::gallery`
# checks that the committed -builtin files, loops.png and loops.pdf are what the current
# code draws (PNG and PDF use the bundled font: the same bytes on any machine).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${DEALGRAPH_BIN:-}
if [ -z "$bin" ]; then
  cargo build --quiet --release
  bin=target/release/dealgraph
fi

# stem:arguments (single quotes group words, as in a shell)
maps=(
  "seeds:"
  "openai:--focus openai --radius 1"
  "loops:--loops"
  "loop2:--loop 2"
  "nvidia-credit:--focus nvidia --title 'Nvidia and the AI labs it deals with' --subtitle 'Deals around Nvidia as of 31 January 2026; arrows point the way cash flows' --credit 'Graphic: The Daily Ledger. Sources: Forbes, CNBC, DCD, company statements'"
)
for entry in "${maps[@]}"; do
  stem=${entry%%:*}
  eval "args=(${entry#*:})"
  "$bin" map --as-of 2026-01-31 "${args[@]}" --engine builtin --out "docs/maps/$stem-builtin.svg"
  "$bin" map --as-of 2026-01-31 "${args[@]}" --out "docs/maps/$stem.png"
  if command -v dot >/dev/null; then
    "$bin" map --as-of 2026-01-31 "${args[@]}" --engine graphviz --out "docs/maps/$stem-graphviz.svg"
  else
    echo "warning: Graphviz is not installed; docs/maps/$stem-graphviz.svg was not redrawn" >&2
  fi
done
# One PDF: vector, text selectable, Liberation Sans embedded.
"$bin" map --as-of 2026-01-31 --loops --out docs/maps/loops.pdf
chmod 644 docs/maps/*.svg docs/maps/*.png docs/maps/*.pdf
echo "gallery redrawn in docs/maps/"
