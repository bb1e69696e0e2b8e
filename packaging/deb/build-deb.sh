#!/usr/bin/env bash
# Builds the udplabd Debian package from an install tree (make install DESTDIR=TREE PREFIX=/usr):
#   packaging/deb/build-deb.sh TREE VERSION OUTPUT.deb [MAINTAINER]
# The control file comes from control.in; Depends from dpkg-shlibdeps on the ELF files in TREE.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tree=$1 version=$2 output=$3
maintainer=${4:-udplab maintainers <maintainers@udplab.invalid>}
arch=$(dpkg --print-architecture)

[ -x "$tree/usr/bin/udplabd" ] || { echo "build-deb: $tree/usr/bin/udplabd is missing: run make install DESTDIR=$tree PREFIX=/usr" >&2; exit 1; }

# The ELF files, for dpkg-shlibdeps (it wants a debian/control beside it; give it a scratch one).
mapfile -t elves < <(find "$tree" -type f -perm -u+x -exec sh -c 'head -c 4 "$1" | grep -q "ELF"' _ {} \; -print | sort)
depends="libc6, libsystemd0"
if command -v dpkg-shlibdeps > /dev/null; then
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    mkdir -p "$scratch/debian"
    printf 'Source: udplabd\n\nPackage: udplabd\nArchitecture: any\n' > "$scratch/debian/control"
    absolute=()
    for elf in "${elves[@]}"; do absolute+=("$(cd "$(dirname "$elf")" && pwd)/$(basename "$elf")"); done
    found=$(cd "$scratch" && dpkg-shlibdeps -O "${absolute[@]}" 2> "$scratch/warnings" | sed -n 's/^shlibs:Depends=//p')
    # Noise from building outside debian/PACKAGE: the tree is not a debhelper package directory.
    grep -v 'should already be installed in their package|ORIGIN is used in RPATH' -E "$scratch/warnings" >&2 || true
    [ -n "$found" ] && depends=$found
fi

# What Debian wants of every package beside the install tree: changelog, copyright, and the
# reason the binaries keep their symbol tables.
repo=$(cd "$here/../.." && pwd)
doc=$tree/usr/share/doc/udplabd
install -d -m 0755 "$doc" "$tree/usr/share/lintian/overrides"
when=$(git -C "$repo" log -1 --format=%ct 2> /dev/null || date +%s)
commit=$(git -C "$repo" rev-parse --short HEAD 2> /dev/null || echo unknown)
printf 'udplabd (%s) unstable; urgency=medium\n\n  * udplab %s, built from commit %s.\n\n -- %s  %s\n' \
    "$version" "$version" "$commit" "$maintainer" "$(date -R -u -d "@$when")" | gzip -9n > "$doc/changelog.gz"
if [ -f "$repo/LICENSE" ]; then
    install -m 0644 "$repo/LICENSE" "$doc/copyright"
else
    echo "build-deb: warning: no LICENSE file in $repo, so the package has no copyright file" >&2
fi
cat > "$tree/usr/share/lintian/overrides/udplabd" << 'OVERRIDES'
# Only debug sections are stripped: the Swift runtime's crash backtraces (a watchdog SIGABRT, a
# crash) name functions from the symbol tables.
udplabd: unstripped-binary-or-object [usr/bin/udplabctl]
udplabd: unstripped-binary-or-object [usr/bin/udplabd]
udplabd: unstripped-binary-or-object [usr/libexec/udplabd/swift-backtrace]
OVERRIDES
chmod 0644 "$tree/usr/share/lintian/overrides/udplabd"

rm -rf "$tree/DEBIAN"
install -d -m 0755 "$tree/DEBIAN"
install -m 0755 "$here/postinst" "$here/prerm" "$here/postrm" "$tree/DEBIAN/"
size=$(du -sk --exclude=DEBIAN "$tree" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@INSTALLED_SIZE@|$size|" \
    -e "s|@DEPENDS@|$depends|" -e "s|@MAINTAINER@|$maintainer|" "$here/control.in" > "$tree/DEBIAN/control"
(cd "$tree" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$tree/DEBIAN/md5sums"
chmod 0644 "$tree/DEBIAN/control" "$tree/DEBIAN/md5sums"

mkdir -p "$(dirname "$output")"
dpkg-deb --root-owner-group -Zxz --build "$tree" "$output" > /dev/null
rm -rf "$tree/DEBIAN"
echo "$output"
