#!/usr/bin/env bash
# Downloads (apt-get download, cached) the Debian packages that ship Swedish documentation and
# unpacks their Swedish parts:  corpus.sh DATA_DIR
#
#   DATA_DIR/debs/<pkg>_<ver>_<arch>.deb     cached; fetched once
#   DATA_DIR/extract/<pkg>/...               the Swedish parts, re-unpacked when the .deb changes
#   DATA_DIR/extract/<pkg>.version
#   DATA_DIR/licenses/<pkg>.copyright
#
# Exit 0 when at least one package could be unpacked, 3 when none could (no network, no lists).
set -uo pipefail

DATA=${1:?usage: corpus.sh DATA_DIR}
mkdir -p "$DATA" && DATA=$(cd "$DATA" && pwd)
DEBS="$DATA/debs"; EXT="$DATA/extract"
mkdir -p "$DEBS" "$EXT" "$DATA/licenses"

# package: paths inside it worth keeping (the Swedish documents and the copyright file)
PKGS=(
  "cfi-sv usr/share/doc/cfi-sv"
  "lifelines-doc-sv usr/share/doc/lifelines-doc-sv"
  "debian-edu-doc-legacy-sv usr/share/doc/debian-edu-doc-legacy-sv"
  "libreoffice-help-sv usr/share/libreoffice/help/sv"
  "gimp-help-sv usr/share/gimp/2.0/help/sv"
  "installation-guide-amd64 usr/share/doc/installation-guide-amd64/sv"
  "debian-handbook usr/share/doc/debian-handbook/html/sv-SE"
  "gnome-user-docs usr/share/help/sv"
  "kstars-data usr/share/doc/HTML/sv"
  "manpages-sv usr/share/man/sv"
  "dpkg usr/share/man/sv"
  "dpkg-dev usr/share/man/sv"
  "man-db usr/share/man/sv"
)

updated=0
fetch() {  # fetch PKG: the .deb into $DEBS unless cached
  local p=$1
  compgen -G "$DEBS/${p}_*.deb" >/dev/null && return 0
  (cd "$DEBS" && apt-get download -q "$p" >/dev/null 2>&1) && return 0
  if [ $updated = 0 ] && [ "$(id -u)" = 0 ]; then
    updated=1
    echo "  apt-get download $p failed; apt-get update once" >&2
    apt-get update -qq >/dev/null 2>&1 || true
    (cd "$DEBS" && apt-get download -q "$p" >/dev/null 2>&1) && return 0
  fi
  return 1
}

ok=0
for entry in "${PKGS[@]}"; do
  read -r p paths <<<"$entry"
  if ! fetch "$p"; then echo "  could not download $p" >&2; continue; fi
  deb=$(ls "$DEBS/${p}_"*.deb | tail -1)
  sum=$(sha256sum "$deb" | cut -c1-64)
  if [ -f "$EXT/$p.stamp" ] && [ "$(cat "$EXT/$p.stamp")" = "$sum" ] && [ -d "$EXT/$p" ]; then
    ok=$((ok + 1)); continue
  fi
  tmp=$(mktemp -d "$EXT/.unpack.XXXXXX")
  dpkg-deb -x "$deb" "$tmp/root"
  rm -rf "${EXT:?}/$p"; mkdir -p "$EXT/$p"
  for path in $paths; do
    [ -e "$tmp/root/$path" ] && (cd "$tmp/root" && cp -a --parents "$path" "$EXT/$p/")
  done
  # not text: images, fonts, scripts, styles
  find "$EXT/$p" -type f \( -iname '*.png' -o -iname '*.jpg' -o -iname '*.gif' -o -iname '*.svg' \
       -o -iname '*.pdf' -o -iname '*.js' -o -iname '*.css' -o -iname '*.woff*' -o -iname '*.ttf' \
       -o -iname '*.eps' -o -iname '*.epub' \) -delete
  dpkg-deb -f "$deb" Version >"$EXT/$p.version"
  c="$tmp/root/usr/share/doc/$p/copyright"
  [ -f "$c" ] && cp -L "$c" "$DATA/licenses/$p.copyright"
  rm -rf "$tmp"
  echo "$sum" >"$EXT/$p.stamp"
  echo "  unpacked $p $(cat "$EXT/$p.version")" >&2
  ok=$((ok + 1))
done
echo "  $ok of ${#PKGS[@]} packages available in $EXT" >&2
[ $ok -gt 0 ] || exit 3
