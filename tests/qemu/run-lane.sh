#!/bin/bash
# The cgroup-v2 lane: boots Debian's kernel under qemu (TCG: no KVM needed) with an
# initramfs holding the rctl tests, on a pure cgroup2 hierarchy, and passes on their
# result. Exit 77 (skip) only when qemu or the kernel is missing or qemu cannot
# start, and never under CI=true.
#   run-lane.sh WORKDIR TESTS_BINARY OTHER_BINARY...
set -uo pipefail
work=$1 tests=$2
shift 2
skip() {
  echo "rctl qemu lane: $*" >&2
  if [ "${CI:-}" = "true" ]; then echo "CI=true: not skipping" >&2; exit 1; fi
  exit 77
}
qemu=$(command -v qemu-system-x86_64) || skip "qemu-system-x86_64 is not installed (scripts/deps.sh)"
kernel=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -1)
[ -n "$kernel" ] && [ -r "$kernel" ] || skip "no readable /boot/vmlinuz-*-amd64 (linux-image-amd64)"
kver=${kernel#/boot/vmlinuz-}
mkdir -p "$work"
initrd=$work/initramfs.cpio.gz
here=$(cd "$(dirname "$0")" && pwd)
"$here/mkinitramfs.sh" "$initrd" "$kver" "$tests" "$@" || { echo "initramfs build failed" >&2; exit 1; }
log=$work/console.log
accel=tcg
[ -w /dev/kvm ] && accel=kvm
timeout 280 "$qemu" -accel "$accel" -m 768 -smp 2 -nographic -no-reboot -monitor none \
  -kernel "$kernel" -initrd "$initrd" \
  -append "console=ttyS0 quiet loglevel=1 panic=-1 RCTL_TESTS=$tests CI=${CI:-} GTEST_FILTER=${GTEST_FILTER:-*}" \
  </dev/null >"$log" 2>&1
qrc=$?
cat "$log"
result=$(grep -a -o 'rctl-lane-result: [0-9]*' "$log" | tail -1 | awk '{print $2}')
if [ -z "$result" ]; then
  grep -aq 'rctl-lane:' "$log" || skip "qemu did not boot (exit $qrc)"
  echo "rctl qemu lane: the tests did not finish (qemu exit $qrc)" >&2
  exit 1
fi
exit "$result"
