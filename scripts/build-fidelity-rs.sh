#!/bin/sh
# Rebuilds guest/fidelity/fidelity-rs.wasm, the Rust (std) guest of the differential
# harness, with Debian's toolchain (npm cannot install it, so the module is committed):
#   apt-get install rustc libstd-rust-dev-wasm32 lld-14
# Same source and toolchain give the same bytes (paths are remapped, debug info stripped).
set -eu
cd "$(dirname "$0")/.."
/usr/bin/rustc --version
/usr/bin/rustc --target wasm32-wasi -O -C strip=debuginfo -C codegen-units=1 \
  --remap-path-prefix "$(pwd)=." \
  guest/fidelity/fidelity-rs.rs -o guest/fidelity/fidelity-rs.wasm
echo "guest/fidelity/fidelity-rs.wasm: $(wc -c < guest/fidelity/fidelity-rs.wasm) bytes"
