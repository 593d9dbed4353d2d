#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript / spark.worker.resource.gpu.discoveryScript):
# prints {"name":"gpu","addresses":["0","1",...]} from nvidia-smi; {"name":"gpu","addresses":[]} if none.
# Honours CUDA_VISIBLE_DEVICES when it lists indices. Not run on a GPU host in this repository's CI.
set -euo pipefail
addrs=()
if command -v nvidia-smi >/dev/null 2>&1; then
  while IFS= read -r idx; do
    idx="${idx//[[:space:]]/}"
    [[ -n "$idx" ]] && addrs+=("$idx")
  done < <(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null || true)
fi
if [[ -n "${CUDA_VISIBLE_DEVICES:-}" && "${CUDA_VISIBLE_DEVICES}" =~ ^[0-9,]+$ ]]; then
  IFS=',' read -r -a visible <<<"$CUDA_VISIBLE_DEVICES"
  keep=()
  for a in "${addrs[@]}"; do
    for v in "${visible[@]}"; do [[ "$a" == "$v" ]] && keep+=("$a"); done
  done
  addrs=("${keep[@]}")
fi
out=""
for a in "${addrs[@]}"; do out+="${out:+,}\"$a\""; done
echo "{\"name\":\"gpu\",\"addresses\":[${out}]}"
