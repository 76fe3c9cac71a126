#!/usr/bin/env bash
# The GPU check of issue 16, one prepared run of at most 8 minutes on one GPU:
#   1. `course verify --profile full --device cuda --seeds 0` for every assignment: each
#      solution full marks, each skeleton 0, and each training check's time, figure and
#      margin over the full profile's threshold;
#   2. the 12-submission lstm cohort of bench/cohort_throughput.py on the GPU, quick profile,
#      with 1 and then 2 workers sharing the one GPU.
# Everything it prints also lands in $OUT (the device tool brings that folder back).
#
# Run from the repository root. The device machine has torch, click, rich, pyyaml and pytest
# but no package registry: carry the other wheels in .whl/ and the four Fashion-MNIST IDX files
# in .data/fashion-mnist/ (both ignored through .git/info/exclude), e.g.
#   echo /.whl/ >> .git/info/exclude; echo /.data/ >> .git/info/exclude
#   python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
#     --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
#     --platform manylinux2014_x86_64 -d .whl sqlite-utils sqlite-fts4 tabulate \
#     python-dateutil six platformdirs pluggy click-default-group
#   mkdir -p .data/fashion-mnist; cp /usr/share/datasets/fashion-mnist/* .data/fashion-mnist/
# then: run(command="bash bench/gpu.sh", carry=[".whl", ".data"], timeout_s=540).
# matplotlib is not needed: nothing here draws.
set -uo pipefail
OUT=${OUT:-/tmp/course-gpu-bench}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
if compgen -G ".whl/*.whl" >/dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site .whl/*.whl || exit 1
  export PYTHONPATH="/tmp/site:$PWD"
else
  export PYTHONPATH="$PWD"
fi
if [ -d .data/fashion-mnist ]; then export COURSE_DATA_DIR="$PWD/.data/fashion-mnist"; fi
export COURSE_DB=/tmp/course-gpu-bench.db   # never a real tracker

{
  date -u +%FT%TZ
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda)"
} 2>&1 | tee "$OUT/device.txt"

# bwrap is rarely installed there; the verify run grades our own solutions, so none is safe
start=$(date +%s)
timeout 330 python3 -m course verify --profile full --device cuda --seeds 0 --sandbox none \
  2>&1 | tee "$OUT/verify.txt"
echo "verify: $(( $(date +%s) - start )) s, exit ${PIPESTATUS[0]}" | tee -a "$OUT/verify.txt"

start=$(date +%s)
timeout 150 python3 bench/cohort_throughput.py --device cuda --profile quick --sandbox none \
  --workers 1 2 2>&1 | tee "$OUT/cohort.txt"
echo "cohort: $(( $(date +%s) - start )) s, exit ${PIPESTATUS[0]}" | tee -a "$OUT/cohort.txt"
