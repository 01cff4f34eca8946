#!/bin/sh
# The GPU run: on a machine with python3 (PyTorch) and a GPU but no Node.js and no network, from
# the files `node tools/gpu/build.cjs` packed into .gpu/ (node.xz, bundle.tar.xz, gl/*.deb).
#
#   sh tools/gpu/run.sh            (from the repository root; results under $OUT)
#
# Environment: OUT (default ./gpu-out), TOTAL_S (wall-clock budget of everything, unpacking
# included; default 480), SIZES (full, default, or quick: the SwiftShader sizes, to try this
# script on a CPU machine after `node tools/gpu/build.cjs --sizes full,small`), PEERS_S (the
# peers blocks' budget, default 90), GEMV_S (the one-row dense section's budget, default 60), LATENCY_S (the single-run latency phases' limit, default
# 60), CONFORMANCE_S (time kept for conformance, default 90),
# WORK (where to unpack, default /tmp/skipconn-gpu), CONFORMANCE_FILTER (a case glob, default all),
# MODELS (comma-separated, default all: encoder,mobilenet_v2,densenet121,resnet50,vit_b_16).
#
# Steps, each logged to $OUT/run.log with its exit code and seconds; a step that fails does not
# stop the next:
#   1. Vulkan loader from gl/*.deb (skipped when libvulkan.so.1 is installed), Node and the bundle;
#   2. nvidia-smi, and torch.add on 16M float32 with this machine's PyTorch (torch-add.json);
#   2b. one run phase by phase, paced wait and plain await, 1K to 16M (webgpu-latency.{json,md});
#   3. the peers blocks (peers.{json,md}), one-row dense (gemv.{json,md}) and the whole models
#      (models.{json,md}) at full size;
#   4. the conformance suite on adapter webgpu (conformance.json), with the time that is left.
# Logs of each step: $OUT/<step>.log.
set -u
T0=$(date +%s)
TOTAL_S=${TOTAL_S:-480}
SIZES=${SIZES:-full}
PEERS_S=${PEERS_S:-90}
GEMV_S=${GEMV_S:-60}
LATENCY_S=${LATENCY_S:-60}
CONFORMANCE_S=${CONFORMANCE_S:-90}
OUT=${OUT:-$PWD/gpu-out}
WORK=${WORK:-/tmp/skipconn-gpu}
GPU_DIR=${GPU_DIR:-$PWD/.gpu}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT" "$WORK"

elapsed() { echo $(($(date +%s) - T0)); }
left() { echo $((TOTAL_S - $(elapsed))); }
log() { echo "[$(elapsed) s] $*" | tee -a "$OUT/run.log"; }
# step NAME LIMIT_S COMMAND...: runs COMMAND with a hard time limit, output to $OUT/NAME.log.
step() {
  name=$1
  limit=$2
  shift 2
  if [ "$limit" -lt 5 ]; then
    log "$name: skipped, the time budget is spent ($(left) s left)"
    return
  fi
  log "$name: start (limit $limit s)"
  s=$(date +%s)
  timeout -k 5 "$limit" "$@" > "$OUT/$name.log" 2>&1
  rc=$?
  log "$name: exit $rc after $(($(date +%s) - s)) s$([ $rc -eq 124 ] && echo ' (time limit)')"
}

case "$SIZES" in
  full) SIZE_FLAG=--full ;;
  quick) SIZE_FLAG=--quick ;;
  *) echo "run.sh: SIZES: expected full or quick, received $SIZES" >&2; exit 2 ;;
esac
for f in node.xz bundle.tar.xz; do
  if [ ! -f "$GPU_DIR/$f" ]; then
    echo "run.sh: $GPU_DIR/$f is missing: run node tools/gpu/build.cjs on a machine with Node first" >&2
    exit 2
  fi
done
log "run.sh: TOTAL_S=$TOTAL_S SIZES=$SIZES OUT=$OUT on $(uname -n), $(nproc) cores"

# 1. Vulkan loader, Node, bundle.
if ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 '; then
  log "vulkan: libvulkan.so.1 installed, the .deb files are not unpacked"
elif ls "$GPU_DIR"/gl/*.deb > /dev/null 2>&1; then
  for f in "$GPU_DIR"/gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  log "vulkan: unpacked $(ls "$GPU_DIR"/gl/*.deb | wc -l) .deb files"
else
  log "vulkan: no libvulkan.so.1 and no .deb files in $GPU_DIR/gl: Dawn will find no adapter"
fi
if [ ! -f /usr/share/vulkan/icd.d/nvidia_icd.json ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] && [ -z "${VK_DRIVER_FILES:-}" ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  log "vulkan: VK_DRIVER_FILES=$VK_DRIVER_FILES"
fi
python3 - "$GPU_DIR" "$WORK" << 'EOF'
import lzma, os, shutil, sys, tarfile
src, work = sys.argv[1], sys.argv[2]
with lzma.open(os.path.join(src, 'node.xz')) as f, open(os.path.join(work, 'node'), 'wb') as out:
    shutil.copyfileobj(f, out)
os.chmod(os.path.join(work, 'node'), 0o755)
shutil.rmtree(os.path.join(work, 'bundle'), ignore_errors=True)
with tarfile.open(os.path.join(src, 'bundle.tar.xz')) as t:
    t.extractall(work)
EOF
NODE=$WORK/node
B=$WORK/bundle
log "unpacked: $("$NODE" --version), bundle $(du -sm "$B" | cut -f1) MB"

# 2. The GPU and PyTorch's own add.
(nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv || echo 'no nvidia-smi') > "$OUT/nvidia-smi.txt" 2>&1
step torch-add 60 python3 "$HERE/torch_add.py" --json "$OUT/torch-add.json"

# 2b. Where a single run's time goes (docs/benchmarks.md, "One run, phase by phase"): the
# constant between GPU done and run() returned, and the 16M add's single run against GPU time.
step latency "$LATENCY_S" "$NODE" "$B/bench.js" --only latency $SIZE_FLAG --latency-runs 400 --out "$OUT"

# 3. Peers blocks, then whole models, keeping CONFORMANCE_S for step 4. The bench's own budget
# is the time it may spend after start-up; the hard limit leaves it 45 s more.
step peers $((PEERS_S + 45)) "$NODE" "$B/bench.js" --only peers $SIZE_FLAG --budget-s "$PEERS_S" --ort-v8 default --out "$OUT"
# One-row dense (VGG and ResNet heads): the matrix-vector kernel, the tiled GEMM and the peers.
step gemv $((GEMV_S + 45)) "$NODE" "$B/bench.js" --only gemv $SIZE_FLAG --gemv-budget-s "$GEMV_S" --ort-v8 default --out "$OUT"
MODELS=${MODELS:-encoder,mobilenet_v2,densenet121,resnet50,vit_b_16}
MODELS_S=$(($(left) - CONFORMANCE_S - 60))
[ "$MODELS_S" -lt 0 ] && MODELS_S=0
step models $((MODELS_S + 45)) "$NODE" "$B/bench.js" --only models $SIZE_FLAG --whole-models "$MODELS" --models-budget-s "$MODELS_S" --ort-v8 default --models-dir "$B/models" --out "$OUT"

# 4. Conformance on webgpu with what is left.
if [ -n "${CONFORMANCE_FILTER:-}" ]; then
  step conformance $(($(left) - 5)) "$NODE" "$B/conformance.js" --root "$B" --filter "$CONFORMANCE_FILTER" --json "$OUT/conformance.json"
else
  step conformance $(($(left) - 5)) "$NODE" "$B/conformance.js" --root "$B" --json "$OUT/conformance.json"
fi

log "run.sh: done in $(elapsed) s; results in $OUT: $(cd "$OUT" && ls | tr '\n' ' ')"
