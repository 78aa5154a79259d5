#!/usr/bin/env bash
# Smoke test of the control plane built by scripts/build-control-plane.sh:
# etcd + kube-apiserver + kro controller on loopback (free ports, temp dir,
# throwaway PKI from openssl), kro's CRDs applied with kubectl, one RGD and one
# instance reconciled. Prints start-up times; stops every process it started.
# Reference for the TypeScript e2e harness: the flags below are the ones that work.
#
# Usage: tools/controlplane/smoke-test.sh [KRO_CRD_DIR]   (default ../shared/crds/kro)
# Needs: openssl, curl, python3 (free ports). KEEP=1 keeps the temp dir.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${CONTROL_PLANE_DIR:-$ROOT/.cache/controlplane}/bin"
CRDS="${1:-$ROOT/../shared/crds/kro}"
for b in etcd kube-apiserver kubectl kro-controller; do
  [[ -x "$BIN/$b" ]] || { echo "missing $BIN/$b: run scripts/build-control-plane.sh" >&2; exit 1; }
done
for t in openssl curl python3; do command -v "$t" >/dev/null || { echo "needs $t" >&2; exit 1; }; done

D="$(mktemp -d -t kro-guard-cp.XXXXXX)"
PIDS=()
cleanup() {
  local i
  # Reverse start order: kro, then apiserver (wait for it), then etcd.
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill "${PIDS[i]}" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "${PIDS[i]}" 2>/dev/null || break; sleep 0.1; done
    kill -9 "${PIDS[i]}" 2>/dev/null || true
  done
  if [[ "${KEEP:-0}" == 1 ]]; then echo "kept $D"; else rm -rf "$D"; fi
}
trap cleanup EXIT
now() { printf '%s' "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2fs", b-a}'; }
# wait_for SECONDS CMD... : poll every 0.1s until CMD succeeds.
wait_for() {
  local n=$(($1 * 10)); shift
  for _ in $(seq 1 "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}
read -r ETCD_CLIENT ETCD_PEER API_PORT KRO_METRICS KRO_HEALTH <<<"$(python3 -c '
import socket
s=[socket.socket() for _ in range(5)]
[x.bind(("127.0.0.1",0)) for x in s]
print(*[x.getsockname()[1] for x in s])')"

# --- PKI: CA, apiserver serving cert, admin client cert (system:masters), SA keys
P="$D/pki"; mkdir -p "$P"
t0=$(now)
(
  cd "$P"
  ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
  ec ca.key
  openssl req -x509 -new -key ca.key -sha256 -days 2 -subj "/CN=kro-guard-e2e-ca" -out ca.crt \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  ec apiserver.key
  openssl req -new -key apiserver.key -subj "/CN=kube-apiserver" -out apiserver.csr
  printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" >server.ext
  openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -sha256 \
    -extfile server.ext -out apiserver.crt 2>/dev/null
  ec admin.key
  openssl req -new -key admin.key -subj "/O=system:masters/CN=kro-guard-admin" -out admin.csr
  printf '%s\n' "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=clientAuth" >client.ext
  openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -sha256 \
    -extfile client.ext -out admin.crt 2>/dev/null
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key 2>/dev/null
  openssl pkey -in sa.key -pubout -out sa.pub
)
echo "pki: $(since "$t0")"

# --- etcd (plain http on loopback; no fsync: test data only)
t0=$(now)
"$BIN/etcd" --name kro-guard-e2e --data-dir "$D/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT" --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" \
  --initial-cluster "kro-guard-e2e=http://127.0.0.1:$ETCD_PEER" --initial-cluster-state new \
  --unsafe-no-fsync --log-level warn >"$D/etcd.log" 2>&1 &
PIDS+=($!)
wait_for 30 curl -sf "http://127.0.0.1:$ETCD_CLIENT/health" || { cat "$D/etcd.log"; exit 1; }
echo "etcd healthy: $(since "$t0")"

# --- kube-apiserver
t0=$(now)
"$BIN/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:$ETCD_CLIENT" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
  --cert-dir="$D/apiserver" \
  --tls-cert-file="$P/apiserver.crt" --tls-private-key-file="$P/apiserver.key" \
  --client-ca-file="$P/ca.crt" \
  --authorization-mode=RBAC \
  --service-cluster-ip-range=10.0.0.0/24 \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$P/sa.pub" --service-account-signing-key-file="$P/sa.key" \
  --endpoint-reconciler-type=none \
  >"$D/apiserver.log" 2>&1 &
PIDS+=($!)
KC="$D/admin.kubeconfig"
"$BIN/kubectl" config set-cluster e2e --server="https://127.0.0.1:$API_PORT" \
  --certificate-authority="$P/ca.crt" --embed-certs=true --kubeconfig="$KC" >/dev/null
"$BIN/kubectl" config set-credentials admin --client-certificate="$P/admin.crt" \
  --client-key="$P/admin.key" --embed-certs=true --kubeconfig="$KC" >/dev/null
"$BIN/kubectl" config set-context e2e --cluster=e2e --user=admin --kubeconfig="$KC" >/dev/null
"$BIN/kubectl" config use-context e2e --kubeconfig="$KC" >/dev/null
k() { "$BIN/kubectl" --kubeconfig="$KC" "$@"; }
readyz_ok() { [[ "$(k get --raw /readyz 2>/dev/null)" == ok ]]; }
wait_for 120 readyz_ok || { tail -50 "$D/apiserver.log"; exit 1; }
echo "kube-apiserver /readyz ok: $(since "$t0")"

t0=$(now)
k apply --server-side -f "$CRDS" >/dev/null
k wait --for=condition=Established crd/resourcegraphdefinitions.kro.run crd/graphrevisions.internal.kro.run --timeout=60s >/dev/null
echo "kro CRDs established: $(since "$t0")"

# --- kro controller
t0=$(now)
"$BIN/kro-controller" --kubeconfig="$KC" \
  --metrics-bind-address="127.0.0.1:$KRO_METRICS" --health-probe-bind-address="127.0.0.1:$KRO_HEALTH" \
  --leader-elect=false --zap-devel=false --zap-encoder=json --zap-log-level=info \
  >"$D/kro.log" 2>&1 &
PIDS+=($!)
kro_running() { grep -q '"msg":"Starting workers","controller":"ResourceGraphDefinition"' "$D/kro.log"; }
wait_for 60 kro_running || { cat "$D/kro.log"; exit 1; }
echo "kro running (RGD workers started): $(since "$t0")"

# --- one RGD and one instance
t0=$(now)
k apply -f - >/dev/null <<'EOF'
apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata:
  name: smoke-app
spec:
  schema:
    apiVersion: v1alpha1
    kind: SmokeApp
    spec:
      message: string | default="hello"
  resources:
    - id: cm
      template:
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: ${schema.metadata.name}-cm
        data:
          message: ${schema.spec.message}
EOF
k wait rgd/smoke-app --for=jsonpath='{.status.state}'=Active --timeout=60s >/dev/null
echo "RGD Active: $(since "$t0")"
t0=$(now)
printf 'apiVersion: kro.run/v1alpha1\nkind: SmokeApp\nmetadata: {name: demo, namespace: default}\nspec: {message: from-kro}\n' | k apply -f - >/dev/null
k wait smokeapp/demo -n default --for=jsonpath='{.status.state}'=ACTIVE --timeout=60s >/dev/null
[[ "$(k get cm demo-cm -n default -o jsonpath='{.data.message}')" == from-kro ]]
echo "instance ACTIVE with its ConfigMap: $(since "$t0")"
echo "versions: $("$BIN/kubectl" --kubeconfig="$KC" version | tr '\n' ' ')"
echo "smoke test passed"
