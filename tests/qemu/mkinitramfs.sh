#!/bin/bash
# Builds the initramfs of the cgroup-v2 lane: busybox, the given binaries at their
# own absolute paths (tests find them by the path they were built at) with their
# shared libraries, the loop module, and init (the test runner).
#   mkinitramfs.sh OUT.cpio.gz KERNEL_VERSION BINARY...
set -euo pipefail
out=$1 kver=$2
shift 2
stage=$(mktemp -d /tmp/rctl-initramfs.XXXXXX)
trap 'rm -rf "$stage"' EXIT
here=$(cd "$(dirname "$0")" && pwd)

mkdir -p "$stage"/{bin,dev,proc,sys,tmp,run,lib/modules,etc}
cp /bin/busybox "$stage/bin/busybox"
install -m 0755 "$here/init" "$stage/init"

copy_with_libs() {
  local f=$1
  mkdir -p "$stage$(dirname "$f")"
  cp "$f" "$stage$f"
  # ldd lines: "libx.so => /path (addr)" or "/lib64/ld-linux-x86-64.so.2 (addr)".
  { ldd "$f" 2>/dev/null || true; } | awk '/=> \//{print $3} /^\t\//{print $1}' | while read -r lib; do
    mkdir -p "$stage$(dirname "$lib")"
    cp -L "$lib" "$stage$lib"
  done
}
# A binary that was not built (the jail target, when only rctl was) is left out.
for bin in "$@"; do
  if [ -x "$bin" ]; then copy_with_libs "$bin"; else echo "mkinitramfs: $bin not built, left out" >&2; fi
done

# Linux: Debian builds loop as a module; the IO tests need it.
mod=/lib/modules/$kver/kernel/drivers/block/loop.ko
for m in "$mod" "$mod.xz" "$mod.zst"; do
  case $m in
    *.xz) [ -f "$m" ] && xz -dc "$m" > "$stage/lib/modules/loop.ko" ;;
    *.zst) [ -f "$m" ] && zstd -dqc "$m" > "$stage/lib/modules/loop.ko" ;;
    *) [ -f "$m" ] && cp "$m" "$stage/lib/modules/loop.ko" ;;
  esac
done

(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
