#!/bin/sh
# Builds a minimal jail root from Debian's busybox-static: mkroot-busybox.sh DEST
# The root has /bin/sh and the busybox applets, /etc/passwd and /etc/group with root,
# a `www` user and nobody, and the directories jail(8) mounts on (dev, proc, sys, tmp).
set -eu
dest=${1:?usage: mkroot-busybox.sh DEST}
bb=/bin/busybox
[ -x "$bb" ] || { echo "mkroot-busybox.sh: $bb missing (apt-get install busybox-static)" >&2; exit 1; }
mkdir -p "$dest"
cd "$dest"
mkdir -p bin sbin usr/bin usr/sbin etc dev proc sys tmp root home/www var/run
chmod 1777 tmp
cp "$bb" bin/busybox
for applet in $("$bb" --list-full); do
  [ -e "$applet" ] || ln -s /bin/busybox "$applet"
done
cat > etc/passwd <<'P'
root:x:0:0:root:/root:/bin/sh
www:x:80:80:web server:/home/www:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
cat > etc/group <<'G'
root:x:0:
tty:x:5:
www:x:80:
staff:x:50:www
nogroup:x:65534:
G
chown 80:80 home/www
echo "busybox root" > etc/motd
