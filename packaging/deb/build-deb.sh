#!/usr/bin/env bash
# Builds the udplabd Debian package from an install tree (make install DESTDIR=TREE PREFIX=/usr):
#   packaging/deb/build-deb.sh TREE VERSION OUTPUT.deb [MAINTAINER]
# The control file comes from control.in; Depends from dpkg-shlibdeps on the ELF files in TREE.
# The debug files make install split off (TREE/usr/lib/debug) go into udplabd-dbgsym_VERSION_ARCH.deb
# beside OUTPUT.deb, as Debian's automatic -dbgsym packages do: install it and crash backtraces
# name functions again.
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
# Packed relative relocations (make install's -z pack-relative-relocs) need glibc 2.36's loader;
# dpkg-shlibdeps sees only symbols, not that version need.
for elf in "${elves[@]}"; do
    if readelf --version-info "$elf" | grep 'Name: GLIBC_ABI_DT_RELR' > /dev/null; then
        libc=$(echo "$depends" | sed -n -E 's/.*libc6 \(>= ([^)]*)\).*/\1/p')
        if [ -z "$libc" ] || dpkg --compare-versions "$libc" lt 2.36; then
            depends=$(echo "$depends" | sed -E 's/libc6( \(>= [^)]*\))?/libc6 (>= 2.36)/')
        fi
        break
    fi
done

# What Debian wants of every package beside the install tree: changelog and copyright.
repo=$(cd "$here/../.." && pwd)
doc=$tree/usr/share/doc/udplabd
install -d -m 0755 "$doc"
when=$(git -C "$repo" log -1 --format=%ct 2> /dev/null || date +%s)
commit=$(git -C "$repo" rev-parse --short HEAD 2> /dev/null || echo unknown)
printf 'udplabd (%s) unstable; urgency=medium\n\n  * udplab %s, built from commit %s.\n\n -- %s  %s\n' \
    "$version" "$version" "$commit" "$maintainer" "$(date -R -u -d "@$when")" | gzip -9n > "$doc/changelog.gz"
if [ -f "$repo/LICENSE" ]; then
    install -m 0644 "$repo/LICENSE" "$doc/copyright"
else
    echo "build-deb: warning: no LICENSE file in $repo, so the package has no copyright file" >&2
fi
# The debug files move to their own package tree: Section debug, tied to this exact version.
dbgsym_tree=$(dirname "$output")/dbgsym-root
dbgsym_output=$(dirname "$output")/udplabd-dbgsym_${version}_${arch}.deb
rm -rf "$dbgsym_tree"
if [ -d "$tree/usr/lib/debug" ]; then
    install -d -m 0755 "$dbgsym_tree/usr/lib" "$dbgsym_tree/usr/share/doc"
    mv "$tree/usr/lib/debug" "$dbgsym_tree/usr/lib/debug"
    ln -s udplabd "$dbgsym_tree/usr/share/doc/udplabd-dbgsym"
fi

# package TREE: TREE/DEBIAN/control must exist; adds md5sums, builds TREE into the .deb named second.
package() {
    local root=$1 deb=$2
    (cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
    chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
    mkdir -p "$(dirname "$deb")"
    dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" > /dev/null
    rm -rf "$root/DEBIAN"
    echo "$deb"
}

rm -rf "$tree/DEBIAN"
install -d -m 0755 "$tree/DEBIAN"
install -m 0755 "$here/postinst" "$here/prerm" "$here/postrm" "$tree/DEBIAN/"
size=$(du -sk --exclude=DEBIAN "$tree" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@INSTALLED_SIZE@|$size|" \
    -e "s|@DEPENDS@|$depends|" -e "s|@MAINTAINER@|$maintainer|" "$here/control.in" > "$tree/DEBIAN/control"
package "$tree" "$output"

if [ -d "$dbgsym_tree/usr/lib/debug" ]; then
    install -d -m 0755 "$dbgsym_tree/DEBIAN"
    build_ids=$(find "$dbgsym_tree/usr/lib/debug/.build-id" -name '*.debug' -printf '%h%f\n' |
        sed 's|.*/\(..\)\([0-9a-f]*\)\.debug$|\1\2|' | sort | tr '\n' ' ')
    size=$(du -sk --exclude=DEBIAN "$dbgsym_tree" | cut -f1)
    cat > "$dbgsym_tree/DEBIAN/control" << CONTROL
Package: udplabd-dbgsym
Source: udplabd
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: udplabd (= $version)
Section: debug
Priority: optional
Description: debug symbols for udplabd
Build-Ids: ${build_ids% }
CONTROL
    package "$dbgsym_tree" "$dbgsym_output"
    rm -rf "$dbgsym_tree"
fi
