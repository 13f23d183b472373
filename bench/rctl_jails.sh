#!/bin/bash
# The cost of being limited, in real jails: each round starts a jail with memoryuse,
# maxproc and pcpu rules (exec.created = rctl -a, as FreeBSD users write it) and one
# without, in ABBA order, each running one workload as its command. The workload
# reports its own CPU time, so jail start-up is not in the number.
#   [WORKLOADS="cpu 60000000"] bench/rctl_jails.sh BUILD_DIR [ROUNDS]     (root)
set -euo pipefail
build=$(cd "${1:?usage: rctl_jails.sh BUILD_DIR [ROUNDS]}" && pwd) rounds=${2:-20}
jail=$build/src/cli/jail rctl=$build/src/cli/rctl work=$build/tests/rctl/rctl_workload
export JAIL_STATE_DIR=$(mktemp -d /tmp/rctl-jbench.XXXXXX)
out=$JAIL_STATE_DIR/out
trap 'rm -rf "$JAIL_STATE_DIR"' EXIT
cpus=$(nproc)
tag=jb$$

one() {  # one JAIL_KIND WORKLOAD ARGS... -> prints the workload's CPU ms
  local kind=$1 name=${tag}_$1
  shift
  local created=()
  [ "$kind" = ruled ] && created=("exec.created=$rctl -a jail:$name:memoryuse:deny=1g jail:$name:maxproc:deny=512 jail:$name:pcpu:deny=$((100 * cpus))")
  "$jail" -c name="$name" path=/ "${created[@]}" command="$work" "$@" "$out" >/dev/null 2>&1 </dev/null
  # The jail ended with its command; jail -r clears what it left on the host (cgroup).
  "$jail" -r "$name" >/dev/null 2>&1 </dev/null || true
  cut -d' ' -f1 "$out"
}

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

echo "| workload (in a jail) | no rules (CPU ms, median) | memoryuse+maxproc+pcpu rules (CPU ms, median) | difference |"
echo "|---|---|---|---|"
IFS=, read -ra workloads <<< "${WORKLOADS:-syscalls 150000,cpu 60000000}"
for w in "${workloads[@]}"; do
  free=() ruled=()
  one free $w >/dev/null
  for ((i = 0; i < rounds; i++)); do
    if ((i % 2 == 0)); then free+=("$(one free $w)"); ruled+=("$(one ruled $w)")
    else ruled+=("$(one ruled $w)"); free+=("$(one free $w)"); fi
  done
  a=$(printf '%s\n' "${free[@]}" | median) b=$(printf '%s\n' "${ruled[@]}" | median)
  awk -v w="$w" -v a="$a" -v b="$b" 'BEGIN {printf "| %s | %.1f | %.1f | %+.2f%% |\n", w, a, b, (b - a) / a * 100}'
done
