#!/usr/bin/env bash
# Installs the Debian packages the portal needs, when they are missing.
#   scripts/system-deps.sh run    - what `make run` needs (gettext for compiled messages)
#   scripts/system-deps.sh test   - what `make test` needs (also PostgreSQL 15, Chromium, fonts,
#                                   pdfsig, certutil and openssl for the diploma seal's tests)
#   scripts/system-deps.sh cluster - what `make cluster-test` needs (what `make test` needs, and nginx)
#   scripts/system-deps.sh bench  - what `make bench` needs (PostgreSQL 15, the load generator wrk)
#   scripts/system-deps.sh PKG... - those packages
set -euo pipefail

want=()
need() { # need COMMAND-OR-PATH PACKAGE
  if [[ "$1" == /* ]]; then [[ -e "$1" ]] || want+=("$2"); else command -v "$1" >/dev/null || want+=("$2"); fi
}
need_lib() { # need_lib SONAME PACKAGE
  ldconfig -p 2>/dev/null | grep -q "$1" || want+=("$2")
}
# WeasyPrint (diplomas) needs Pango and real fonts, for `make run` and `make test` alike.
pdf_deps() {
  need_lib libpango-1.0.so.0 libpango-1.0-0
  need_lib libpangoft2-1.0.so.0 libpangoft2-1.0-0
  need /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf fonts-dejavu-core
}

for arg in "$@"; do
  case "$arg" in
    run)
      need msgfmt gettext
      need node nodejs
      need npm npm
      pdf_deps
      ;;
    test)
      need msgfmt gettext
      need node nodejs
      need npm npm
      need chromium chromium
      need /usr/lib/postgresql/15/bin/initdb postgresql-15
      # The diploma seal's tests check signatures with poppler's pdfsig too, trusting the
      # test CA through an NSS database made with certutil; openssl is their timestamp server.
      need pdfsig poppler-utils
      need certutil libnss3-tools
      need openssl openssl
      pdf_deps
      ;;
    cluster)
      "$0" test
      need /usr/sbin/nginx nginx
      ;;
    bench)
      need msgfmt gettext
      need node nodejs
      need npm npm
      need /usr/lib/postgresql/15/bin/initdb postgresql-15
      need wrk wrk
      pdf_deps
      ;;
    *) want+=("$arg") ;;
  esac
done

[[ ${#want[@]} -eq 0 ]] && exit 0
echo "Installing system packages: ${want[*]}"
if [[ $(id -u) -eq 0 ]]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
else
  echo "Please install these Debian packages first: sudo apt-get install ${want[*]}" >&2
  exit 1
fi
