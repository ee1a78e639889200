#!/usr/bin/env bash
# Builds the media libFuzzer harness with clang and runs it for a bounded time (default 60 s).
# Usage: tests/media/fuzz/run.sh [seconds]     (needs clang++ with libFuzzer; not part of CTest)
set -euo pipefail
cd "$(dirname "$0")/../../.."
seconds="${1:-60}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
src=src/media
clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -Isrc tests/media/fuzz/fuzz_rtp.cc \
  $src/rtp.cc $src/rtcp.cc $src/telephone_event.cc $src/rtp_stream.cc $src/jitter_buffer.cc \
  $src/g711.cc $src/tones.cc -lspandsp -o "$out/fuzz_rtp"
mkdir -p "$out/corpus"
"$out/fuzz_rtp" -max_total_time="$seconds" -max_len=1500 -print_final_stats=1 "$out/corpus" 2>&1 |
  grep -E 'stat::number_of_executed_units|stat::new_units_added|ERROR|SUMMARY|crash' || true
