#!/usr/bin/env bash
# Installs the Debian packages the project needs, or says exactly how.
# Usage: mk/deps.sh [--check] [--slurm]
# --slurm: the packages of the one-node Slurm cluster instead (mk/slurm-cluster.sh,
# make regress-slurm-test); they are not in the default list.
set -euo pipefail
PKGS=(build-essential pkg-config verilator yosys libcadical-dev libcriterion-dev uthash-dev
      libinih-dev libcjson-dev libsystemc-dev zlib1g-dev python3
      cppcheck clang-tidy clang-format ccache clang libclang-rt-dev
      libxml2-dev libxml2-utils libjs-chart.js chromium)
# libxml2: the tests parse SVG, HTML and JUnit XML (xmllint checks each
# Criterion report); chromium and Chart.js: the regression's HTML index and
# its page test (docs/regress.md).
missing=()
check=0
for a in "$@"; do
    case "$a" in
    --check) check=1 ;;
    --slurm) PKGS=(slurm-wlm munge procps) ;;
    *) echo "usage: mk/deps.sh [--check] [--slurm]" >&2; exit 2 ;;
    esac
done
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ $check -eq 1 ]; then
    echo "missing Debian packages: ${missing[*]}" >&2
    exit 1
fi
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    echo "error: missing Debian packages: ${missing[*]}" >&2
    echo "install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
