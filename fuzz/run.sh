#!/bin/sh
# Fuzz every target (or those named) for SECONDS each, two at a time at the lowest CPU
# priority, then minimise each corpus. Logs go to fuzz/logs/TARGET.log; a crash lands in
# fuzz/artifacts/TARGET/. Needs cargo-fuzz; RUSTC_BOOTSTRAP=1 lets a stable toolchain build.
#
#   fuzz/run.sh 600                       # all targets, ten minutes each
#   fuzz/run.sh 3600 render_dot render_svg
set -eu
cd "$(dirname "$0")"
seconds=${1:-600}
[ $# -gt 0 ] && shift
targets=${*:-"load_toml load_json load_csv parse_amount parse_date render_dot render_svg extract"}
export RUSTC_BOOTSTRAP=1
nice -n 19 cargo fuzz build -O
bin=target/$(rustc -vV | sed -n 's/^host: //p')/release
mkdir -p logs

fuzz() {
    case $1 in
    render_*) extra="-dict=dicts/render.dict -max_len=4096" ;;
    *) extra="-max_len=8192" ;;
    esac
    mkdir -p "corpus/$1" "artifacts/$1"
    # shellcheck disable=SC2086
    nice -n 19 "$bin/$1" -artifact_prefix="artifacts/$1/" -max_total_time="$seconds" \
        -print_final_stats=1 $extra "corpus/$1" >"logs/$1.log" 2>&1 || true
    tail -n 12 "logs/$1.log" | grep -E '^(Done|stat::number_of_executed_units)' || true
}

set -- $targets
while [ $# -gt 0 ]; do
    first=$1
    shift
    if [ $# -gt 0 ]; then
        second=$1
        shift
        fuzz "$first" &
        fuzz "$second"
        wait
    else
        fuzz "$first"
    fi
done

for t in $targets; do
    nice -n 19 cargo fuzz cmin -O "$t" >"logs/cmin-$t.log" 2>&1
done
du -sh --apparent-size corpus
