#!/usr/bin/env bash
# Builds the real clients of velero-irsa's wiring outputs from the Go module proxy, once, into a
# cache folder outside the clone (VELERO_IRSA_CLIENTS, default ~/.cache/velero-irsa), and prints
# that folder. Later runs find the binaries there and take no time.
#   helm   v3.19.0  (go install)
#   velero v1.18.1  (its go.mod has a replace directive, so `go install` is refused: the module is
#                    downloaded, two k8s.io modules the proxy no longer serves at v0.33.11 are raised
#                    to v0.33.13 together with the k8s.io modules kept in step, then it is built)
#   actionlint v1.7.12 (go install), which CI runs on .github/workflows
#   the vmware-tanzu velero Helm chart 12.1.0, as velero-chart/ in the folder: `helm pull` from the
#                    chart repository where it is reachable, else copied from VELERO_CHART_DIR
#                    (default ../shared/clients/velero-chart-12.1.0/velero beside the project)
# Needs Go. Progress goes to stderr; the folder alone to stdout.
set -euo pipefail
HELM_VERSION=v3.19.0
VELERO_VERSION=v1.18.1
K8S_VERSION=v0.33.13
ACTIONLINT_VERSION=v1.7.12
dir=${VELERO_IRSA_CLIENTS:-$HOME/.cache/velero-irsa}
mkdir -p "$dir"
command -v go > /dev/null || { echo "clients.sh: Go is not installed (needed to build helm and velero)" >&2; exit 3; }

if [ ! -x "$dir/helm-$HELM_VERSION" ]; then
  echo "clients.sh: building helm $HELM_VERSION (a few minutes, once)" >&2
  gobin=$(mktemp -d)
  GOBIN=$gobin GOFLAGS=-mod=mod go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2
  mv "$gobin/helm" "$dir/helm-$HELM_VERSION"
  rm -rf "$gobin"
fi

if [ ! -x "$dir/velero-$VELERO_VERSION" ] \
   || ! "$dir/velero-$VELERO_VERSION" version --client-only 2>/dev/null | grep -q "Version: $VELERO_VERSION"; then
  echo "clients.sh: building velero $VELERO_VERSION (a few minutes, once)" >&2
  src=$(go mod download -json "github.com/vmware-tanzu/velero@$VELERO_VERSION" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  work=$(mktemp -d)
  cp -r "$src/." "$work/"
  chmod -R u+w "$work"
  (
    cd "$work"
    for m in k8s.io/api k8s.io/apimachinery k8s.io/client-go k8s.io/cli-runtime k8s.io/kube-aggregator; do
      go mod edit -require="$m@$K8S_VERSION"
    done
    # -mod=mod records the checksums of what this build needs (go mod tidy would also want the
    # modules of velero's own tests, which the proxy no longer serves).
    # The linker flags of velero's own release build: the version, and with it the server image
    # (velero/velero:<version>) that `velero install` names.
    pkg=github.com/vmware-tanzu/velero/pkg/buildinfo
    go build -mod=mod -ldflags "-X $pkg.Version=$VELERO_VERSION -X $pkg.ImageRegistry=velero -X $pkg.GitTreeState=clean" \
      -o "$dir/velero-$VELERO_VERSION" ./cmd/velero >&2
  )
  rm -rf "$work"
fi

if [ ! -x "$dir/actionlint-$ACTIONLINT_VERSION" ]; then
  echo "clients.sh: building actionlint $ACTIONLINT_VERSION (seconds, once)" >&2
  gobin=$(mktemp -d)
  GOBIN=$gobin go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" >&2
  mv "$gobin/actionlint" "$dir/actionlint-$ACTIONLINT_VERSION"
  rm -rf "$gobin"
fi

CHART_VERSION=12.1.0
if [ ! -f "$dir/velero-chart-$CHART_VERSION/Chart.yaml" ]; then
  pulled=$(mktemp -d)
  if timeout 60 "$dir/helm-$HELM_VERSION" pull velero --repo https://vmware-tanzu.github.io/helm-charts \
       --version "$CHART_VERSION" --untar --untardir "$pulled" > /dev/null 2>&1; then
    echo "clients.sh: the velero chart $CHART_VERSION from its chart repository (helm pull)" >&2
    rm -rf "$dir/velero-chart-$CHART_VERSION" && mv "$pulled/velero" "$dir/velero-chart-$CHART_VERSION"
  else
    local_chart=${VELERO_CHART_DIR:-$(cd "$(dirname "$0")/.." && pwd)/../shared/clients/velero-chart-$CHART_VERSION/velero}
    [ -f "$local_chart/Chart.yaml" ] || { echo "clients.sh: the chart repository is out of reach and VELERO_CHART_DIR ($local_chart) holds no chart" >&2; exit 3; }
    grep -q "^version: $CHART_VERSION\$" "$local_chart/Chart.yaml" || { echo "clients.sh: $local_chart is not chart $CHART_VERSION" >&2; exit 3; }
    echo "clients.sh: the velero chart $CHART_VERSION copied from $local_chart (VELERO_CHART_DIR; helm pull could not reach the chart repository)" >&2
    rm -rf "$dir/velero-chart-$CHART_VERSION" && cp -r "$local_chart" "$dir/velero-chart-$CHART_VERSION" && chmod -R u+w "$dir/velero-chart-$CHART_VERSION"
  fi
  rm -rf "$pulled"
else
  echo "clients.sh: the velero chart $CHART_VERSION, kept from before in $dir" >&2
fi

ln -sfn "velero-chart-$CHART_VERSION" "$dir/velero-chart"
ln -sf "actionlint-$ACTIONLINT_VERSION" "$dir/actionlint"
ln -sf "helm-$HELM_VERSION" "$dir/helm"
ln -sf "velero-$VELERO_VERSION" "$dir/velero"
echo "$dir"
