#!/bin/bash
# Networking bench (issue 3): nginx serving a small file, loaded by wrk, on the host, in a
# shared-stack jail and in a VNET jail (veth on a bridge), all in the same run; iperf3
# from the host to a VNET jail against host loopback. Everything happens inside a network
# namespace made for the bench (its lo stands in for the host's interfaces), so nothing
# of the machine's network is touched. Needs: nginx-light wrk iperf3 (scripts/deps.sh),
# a built build-net (cmake --build build-net --target jails_net).
#   bench/net.sh [seconds per run, default 5] [rounds, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-5}
ROUNDS=${2:-3}
B=build-net
OUT=$(mktemp -d /tmp/netbench.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

g++ -std=c++2b -O2 -Isrc bench/net_bench_run.cc "$B/src/net/libjails_net.a" \
  "$B/src/kernel/libjails_kernel.a" "$B/src/base/libjails_base.a" -lmnl -lnftables -lfmt \
  -o "$OUT/net_bench_run"

head -c 612 /dev/zero | tr '\0' 'x' >"$OUT/index.html"   # nginx's default page size
nginx_conf() {  # $1 = listen address (port 80), $2 = tag
  cat >"$OUT/nginx-$2.conf" <<CONF
user root; worker_processes 1; daemon off; pid $OUT/nginx-$2.pid; error_log $OUT/nginx-$2.err;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $OUT; proxy_temp_path $OUT;
  fastcgi_temp_path $OUT; uwsgi_temp_path $OUT; scgi_temp_path $OUT;
  server { listen $1; root $OUT; } }
CONF
  echo "$OUT/nginx-$2.conf"
}

inside() {  # the bench's own network namespace: "the host"
  ip link set lo up
  ip addr add 127.0.13.9/32 dev lo
  local run="$OUT/net_bench_run"
  # host: nginx on an alias of lo; shared: nginx listening on *:80 inside the jail, which
  # the hooks turn into 127.0.13.1:80; vnet: nginx in its own namespace behind a veth.
  nginx -c "$(nginx_conf 127.0.13.9:80 host)" & local p_host=$!
  "$run" shared tnb_shared 127.0.13.1 -- nginx -c "$(nginx_conf 80 shared)" & local p_shared=$!
  "$run" vnet tnb_vnet 10.213.9.2/24 tnbbr0 10.213.9.1/24 -- nginx -c "$(nginx_conf 80 vnet)" & local p_vnet=$!
  sleep 1
  for r in $(seq "$ROUNDS"); do
    for c in host:127.0.13.9 shared:127.0.13.1 vnet:10.213.9.2; do
      rps=$(wrk -t1 -c32 -d"${SECS}s" "http://${c#*:}/index.html" | awk '/Requests\/sec/ {print $2}')
      echo "${c%%:*} $rps" >>"$OUT/rps"
    done
  done
  kill "$p_host" "$p_shared" "$p_vnet"; wait || true

  iperf3 -s -1 -B 127.0.13.9 >/dev/null & sleep 0.5
  iperf3 -c 127.0.13.9 -t "$SECS" -J | jq -r '"host " + (.end.sum_received.bits_per_second|tostring)' >>"$OUT/iperf"
  "$run" vnet tnb_vnet 10.213.9.2/24 tnbbr0 10.213.9.1/24 -- iperf3 -s -1 >/dev/null & sleep 0.5
  iperf3 -c 10.213.9.2 -t "$SECS" -J | jq -r '"vnet " + (.end.sum_received.bits_per_second|tostring)' >>"$OUT/iperf"
  wait || true
}
export -f inside nginx_conf
export OUT SECS ROUNDS
unshare -n bash -c inside

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
host=$(awk '$1=="host"{print $2}' "$OUT/rps" | median)
echo "nginx + wrk -t1 -c32 -d${SECS}s, median of $ROUNDS rounds (requests/s, % of host)"
for c in host shared vnet; do
  v=$(awk -v c=$c '$1==c{print $2}' "$OUT/rps" | median)
  printf "  %-7s %10.0f  %5.1f%%   (runs: %s)\n" "$c" "$v" "$(echo "$v*100/$host" | bc -l)" \
    "$(awk -v c=$c '$1==c{printf "%s ", $2}' "$OUT/rps")"
done
echo "iperf3 -t ${SECS}s (Gbit/s)"
awk '{printf "  %-7s %6.1f\n", $1, $2/1e9}' "$OUT/iperf"
