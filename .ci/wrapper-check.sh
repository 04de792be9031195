#!/usr/bin/env bash
# Proves that ./mvnw gets and unpacks its Maven on a fresh directory in the three set-ups that broke it:
#   1. a HOME unlike Java's user.home (the installed mvn keeps its repository under user.home);
#   2. a settings.xml whose localRepository is not ~/.m2/repository;
#   3. no unzip on the PATH.
# Nothing is downloaded: case 2 reaches the machine's own local repository as a file:// mirror.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
version="$(tr -d ' \r\n' < "$root/.mvn/maven-version")"
real_repo="$HOME/.m2/repository" # where the installed mvn keeps it on this kind of machine

expect_version() { # label, then the environment to run ./mvnw -v in
  local label="$1"; shift
  local out
  out="$(cd "$root" && env "$@" ./mvnw -B -v 2>&1)" || { echo "$out" >&2; echo "mvnw failed: $label" >&2; exit 1; }
  grep -q "Apache Maven $version" <<<"$out" || { echo "$out" >&2; echo "mvnw ran no Maven $version: $label" >&2; exit 1; }
  echo "ok: $label"
}

mkdir -p "$work/home1"
expect_version "HOME ($work/home1) unlike user.home" HOME="$work/home1"

mkdir -p "$work/home2" "$work/userhome/.m2"
cat > "$work/userhome/.m2/settings.xml" <<XML
<settings>
  <localRepository>$work/custom-repo</localRepository>
  <mirrors><mirror><id>machine</id><mirrorOf>*</mirrorOf><url>file://$real_repo</url></mirror></mirrors>
</settings>
XML
expect_version "localRepository $work/custom-repo" HOME="$work/home2" MAVEN_OPTS="-Duser.home=$work/userhome"
test -f "$work/custom-repo/org/apache/maven/apache-maven/$version/apache-maven-$version-bin.zip"

mkdir -p "$work/home3" "$work/bin"
for tool in /usr/local/bin/* /usr/bin/* /bin/*; do
  name="$(basename "$tool")"
  [ "$name" = unzip ] || [ -e "$work/bin/$name" ] || ln -s "$tool" "$work/bin/$name"
done
expect_version "no unzip on the PATH" HOME="$work/home3" PATH="$work/bin"
