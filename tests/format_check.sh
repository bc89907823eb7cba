#!/usr/bin/env bash
# Fails when any C++ source differs from .clang-format, naming each file and the first difference,
# so the format is enforced by CI rather than by memory. Fix with: clang-format -i FILE...
set -euo pipefail
root=${1:?usage: format_check.sh REPOSITORY_ROOT}
cd "$root"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.cpp' '*.hpp' '*.h' '*.cpp.in')
else
  mapfile -t files < <(find scanner storage kiosk tests -name '*.cpp' -o -name '*.hpp' -o -name '*.h' -o -name '*.cpp.in')
fi
bad=0
for file in "${files[@]}"; do
  [ -f "$file" ] || continue
  if ! clang-format --dry-run -Werror "$file" >/dev/null 2>&1; then
    echo "not formatted: $file"
    clang-format --dry-run "$file" 2>&1 | head -3
    bad=$((bad + 1))
  fi
done
echo "checked ${#files[@]} files, $bad not formatted"
[ "$bad" -eq 0 ]
