#!/usr/bin/env bash
# Fails when any C++ source differs from .clang-format, naming each file and its first difference,
# so the format is enforced by CI rather than by memory. Fix with: clang-format -i FILE...
# One clang-format process per batch of files (not per file): starting it costs more than checking one.
set -euo pipefail
root=${1:?usage: format_check.sh REPOSITORY_ROOT}
cd "$root"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t listed < <(git ls-files --cached --others --exclude-standard -- '*.cpp' '*.hpp' '*.h' '*.cpp.in')
else
  mapfile -t listed < <(find scanner storage kiosk tests -name '*.cpp' -o -name '*.hpp' -o -name '*.h' -o -name '*.cpp.in')
fi
files=()
for file in "${listed[@]}"; do
  [ -f "$file" ] && files+=("$file")
done
if [ "${#files[@]}" -eq 0 ]; then
  echo "no C++ sources found under $root: is that the repository root?"
  exit 1
fi
if ! command -v clang-format >/dev/null; then
  echo "clang-format is not installed: run deploy/setup.sh (Debian package clang-format)"
  exit 1
fi
status=0
report=$(printf '%s\0' "${files[@]}" | xargs -0 -n 64 -P "$(nproc)" clang-format --dry-run -Werror 2>&1) || status=$?
mapfile -t bad < <(grep -oE '^[^:]+:[0-9]+:[0-9]+: error' <<<"$report" | cut -d: -f1 | sort -u)
if [ "$status" -ne 0 ] && [ "${#bad[@]}" -eq 0 ]; then
  echo "clang-format failed (exit $status) without naming a file:"
  echo "$report" | head -20
  exit 1
fi
for file in "${bad[@]}"; do
  echo "not formatted: $file"
  grep -m1 -A2 -F "$file:" <<<"$report" || true
done
echo "checked ${#files[@]} files, ${#bad[@]} not formatted"
[ "${#bad[@]}" -eq 0 ]
