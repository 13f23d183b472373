#!/bin/bash
# Debian packages the build and the tests need. Each engineer appends to the list.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y --no-install-recommends \
  libseccomp-dev nlohmann-json3-dev libfmt-dev busybox-static libbtrfsutil-dev btrfs-progs \
  libarchive-dev libnl-route-3-dev libmnl-dev libcap-dev runc bubblewrap libzstd-dev zstd \
  hyperfine googletest \
  libnftables-dev nginx-light wrk iperf3 \
  qemu-system-x86 linux-image-amd64 cpio \
  zfs-fuse
