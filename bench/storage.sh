#!/bin/bash
# Dataset speed and space (issue 4): for templates of about 10 MB, 300 MB and 1 GB, the
# time and space of `jailctl create --from`, `dataset snapshot`, `dataset clone` and
# `dataset rollback` per backend, beside `cp -a` and `cp --reflink` of the same tree on
# the same filesystem, in one run.
#
#   bench/storage.sh [build-dir] (default build-storage; needs jailctl built, root,
#   btrfs-progs, zfs-fuse). SIZES="10 300 1024" (MiB) and REPS=3 may be set.
#
# Backends: btrfs on a loop device, overlay on the host's ext4 (/var/tmp), ZFS on a
# zfs-fuse pool on a file, and the directory backend on the btrfs loop (reflink copies).
# Time: wall clock of the whole command (process start included), and in parentheses
# the command's own time from main() to its end (JAILCTL_TIMING), medians of REPS.
# Space: growth of the filesystem's used bytes (df after sync; ZFS: the pool's "used").
set -euo pipefail
BUILD=${1:-build-storage}
JAILCTL=$(realpath "$BUILD/src/cli/jailctl")
SIZES=${SIZES:-"10 300 1024"}
REPS=${REPS:-3}
W=$(mktemp -d /var/tmp/bench_storage.XXXXXX)
POOL=bench$$
LOOP="" ZPID=""

cleanup() {
  set +e
  for m in $(awk -v w="$W" 'index($5, w) == 1 {print $5}' /proc/self/mountinfo | sort -r); do umount -l "$m"; done
  [ -n "$ZPID" ] && { zpool destroy -f "$POOL" >/dev/null 2>&1; kill "$ZPID"; wait "$ZPID"; }
  [ -n "$LOOP" ] && losetup -d "$LOOP"
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Makes a tree of about $1 MiB: 64 KiB files of random data, 100 to a directory.
make_tree() {
  local dir=$1 mib=$2 d
  for d in $(seq 0 $(( mib * 16 / 100 ))); do
    mkdir -p "$dir/d$d"
    head -c $(( 100 * 65536 )) /dev/urandom | split -b 65536 -a 3 - "$dir/d$d/f"
  done
}

used_bytes() {  # $1 = backend, $2 = a path on its filesystem
  sync
  # zfs-fuse accounts space at the end of a transaction group; taking a snapshot waits
  # for the current one to be written, so "used" is up to date after it.
  if [ "$1" = zfs ]; then
    zfs snapshot "$POOL@sync$$" && zfs destroy "$POOL@sync$$"
    zfs get -Hp -o value used "$POOL"
  else df -B1 --output=used "$2" | tail -1; fi
}

# Runs a command REPS times (setup/teardown given as functions), prints "ms bytes".
measure() {  # $1 backend, $2 fs path, $3 prepare-fn, $4 command-fn, $5 undo-fn
  local times=() inner=() space=0
  for r in $(seq "$REPS"); do
    $3 "$r" >/dev/null 2>&1
    local before; before=$(used_bytes "$1" "$2")
    local t0; t0=$(now_ms)
    $4 "$r" >/dev/null 2>"$W/err"
    local t1; t1=$(now_ms)
    local after; after=$(used_bytes "$1" "$2")
    times+=($(( t1 - t0 )))
    inner+=($(awk '/jailctl: time/ {print $3}' "$W/err"))
    space=$(( after - before ))
    $5 "$r" >/dev/null 2>&1
  done
  echo "$(printf '%s\n' "${times[@]}" | median) $(printf '%s\n' "${inner[@]}" | median) $space"
}

fmt_space() {
  awk -v b="$1" 'BEGIN { if (b < 0) b = 0; if (b < 1048576) printf "%.0f KiB", b / 1024; else printf "%.1f MiB", b / 1048576 }'
}

setup_fs() {
  truncate -s 5G "$W/btrfs.img"
  LOOP=$(losetup -f --show "$W/btrfs.img")
  mkfs.btrfs -q -f "$LOOP" >/dev/null 2>&1 && mkdir -p "$W/btrfs" && mount "$LOOP" "$W/btrfs"
  mkdir -p "$W/ext4"
  truncate -s 5G "$W/zfs.img"
  zfs-fuse --no-daemon >/dev/null 2>&1 &
  ZPID=$!
  for _ in $(seq 50); do zpool create -o cachefile=none -m "$W/zfs" "$POOL" "$W/zfs.img" 2>/dev/null && break; sleep 0.2; done
  zfs create "$POOL/ds"
}

ctl() { JAILCTL_TIMING=1 "$JAILCTL" --root "$ROOT" --backend "$BACKEND" --etc "$W/etc" ${ZPARENT:+--zfs-parent "$ZPARENT"} "$@"; }

noop() { :; }
op_create() { ctl create "b$1" --from t; }
undo_create() { ctl destroy "b$1"; }
op_snapshot() { ctl dataset snapshot "jails/c@s$1"; }
op_clone() { ctl dataset clone "jails/c@s1" "jails/k$1"; }
undo_clone() { ctl dataset destroy "jails/k$1"; }
prep_rollback() { rm -rf "$(ctl dataset list -H -o mountpoint jails/c)/d0"; }
op_rollback() { ctl dataset rollback "jails/c@s$REPS"; }

bench_backend() {  # $1 label, $2 backend, $3 root, $4 fs path, $5 zfs parent
  local label=$1 size=$6
  BACKEND=$2 ROOT=$3 ZPARENT=$5
  ctl template t --from "$W/src$size" >/dev/null 2>&1
  ctl create c --from t >/dev/null 2>&1
  read -r ct ci cs < <(measure "$2" "$4" noop op_create undo_create)
  read -r st si ss < <(measure "$2" "$4" noop op_snapshot noop)
  read -r lt li ls < <(measure "$2" "$4" noop op_clone undo_clone)
  read -r rt ri rs < <(measure "$2" "$4" prep_rollback op_rollback noop)
  cell() { echo "$1 ms ($2 ms), $(fmt_space "$3")"; }
  echo "| $label | $size MiB | $(cell $ct $ci $cs) | $(cell $st $si $ss) | $(cell $lt $li $ls) | $(cell $rt $ri $rs) |"
  ctl destroy c >/dev/null 2>&1
  ctl dataset destroy -r templates/t >/dev/null 2>&1
}

bench_cp() {  # $1 label, $2 backend (for space), $3 dir on the fs, $4 size, $5 cp flags
  local t0 t1 before after
  # The source lies on the same filesystem: a reflink cannot cross filesystems.
  [ -d "$3/src" ] || cp -a "$W/src$4" "$3/src"
  before=$(used_bytes "$2" "$3"); t0=$(now_ms)
  if cp $5 "$3/src" "$3/cp" 2>/dev/null; then
    t1=$(now_ms); after=$(used_bytes "$2" "$3")
    echo "| $1 | $4 MiB | $(( t1 - t0 )) ms, $(fmt_space $(( after - before ))) | | | |"
  else
    echo "| $1 | $4 MiB | not supported | | | |"
  fi
  rm -rf "$3/cp"
}

setup_fs
base=$(for _ in 1 2 3 4 5; do t0=$(now_ms); "$JAILCTL" --help >/dev/null; t1=$(now_ms); echo $(( t1 - t0 )); done | median)
echo "jailctl process start and exit alone (--help, median of 5): $base ms"
echo
echo "| backend | template | create --from | snapshot | clone | rollback |"
echo "|---|---|---|---|---|---|"
for size in $SIZES; do
  make_tree "$W/src$size" "$size"
  bench_backend btrfs btrfs "$W/btrfs/root" "$W/btrfs" "" "$size"
  bench_backend "overlay (ext4)" overlay "$W/ext4/root" "$W/ext4" "" "$size"
  bench_backend "zfs (zfs-fuse)" zfs "$W/zfsroot" "$W/zfs" "$POOL/ds" "$size"
  bench_backend "directory (btrfs, reflink)" directory "$W/btrfs/dirroot" "$W/btrfs" "" "$size"
  # coreutils 9 reflinks by default where it can: name both kinds.
  bench_cp "cp -a --reflink=never (btrfs)" btrfs "$W/btrfs" "$size" "-a --reflink=never"
  bench_cp "cp -a --reflink=always (btrfs)" btrfs "$W/btrfs" "$size" "-a --reflink=always"
  bench_cp "cp -a --reflink=never (ext4)" overlay "$W/ext4" "$size" "-a --reflink=never"
  bench_cp "cp -a --reflink=always (ext4)" overlay "$W/ext4" "$size" "-a --reflink=always"
  bench_cp "cp -a (zfs-fuse)" zfs "$W/zfs/ds" "$size" "-a"
  rm -rf "$W/src$size" "$W/btrfs/src" "$W/ext4/src" "$W/zfs/ds/src"
done
