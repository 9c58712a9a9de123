#!/bin/sh
# Evaluates `dealgraph extract` on the five seed articles against the project's seeds/ dataset
# (its stated flows) and prints recall, precision and amount accuracy; fails when a figure is
# under its target (recall 80%, precision 70%, amounts 90%). Then the renamed-companies check.
#
#   scripts/extract-eval.sh                      # articles in ../shared/seeds/
#   DEALGRAPH_SEED_ARTICLES=DIR scripts/extract-eval.sh
set -eu
cd "$(dirname "$0")/.."
exec cargo test --quiet --test cli extract::eval -- --nocapture --test-threads 1
