#!/usr/bin/env bash
# Installs every build, run and test dependency of medkiosk from Debian 12 packages.
# Safe to run again: apt-get skips what is already installed. Runs as root, or through sudo.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git
  # scanner
  libopencv-dev
  libzxing-dev libzint-dev zint
  # storage, hub sync (PostgreSQL 15 client library; the server for the sync tests and the hub)
  libsqlite3-dev sqlite3 libsodium-dev libpq-dev postgresql postgresql-client
  # printed-expiry OCR
  libtesseract-dev libleptonica-dev tesseract-ocr-chi-sim tesseract-ocr-eng
  # kiosk UI
  libimgui-dev libglfw3-dev libgl-dev libfontconfig-dev fonts-noto-cjk libqrencode-dev nlohmann-json3-dev
  # the donor's verdict chimes (kiosk/audio, ALSA); the .deb gets libasound2 through dpkg-shlibdeps
  libasound2-dev
  # appliance: config, systemd watchdog, packaging, Wayland kiosk compositor
  libtomlplusplus-dev libsystemd-dev systemd dpkg-dev fakeroot file cage
  # appliance: what the .deb depends on at run time (installed by its test with dpkg -i)
  xwayland
  # tests: GoogleTest, a virtual display, input and screenshots
  googletest libgtest-dev libgmock-dev libbenchmark-dev xvfb xauth xdotool imagemagick x11-utils
  # tests: fault injection, clock shifting
  strace libfaketime
  # tests: every CJK and Latin font family the generated OCR box faces are printed in
  fonts-wqy-microhei fonts-wqy-zenhei fonts-arphic-ukai fonts-arphic-uming fonts-arphic-gbsn00lp
  fonts-droid-fallback fonts-dejavu-core fonts-liberation2 fonts-noto-mono
  # tests: hand-made image bombs (zlib)
  zlib1g-dev
  # the public report rendered in a real browser (tests/county: headless, no network)
  chromium
  # the code format check (tests/format_check.sh)
  clang-format
  # fuzzing the parsers (the `fuzz` preset: clang's libFuzzer)
  clang libclang-rt-14-dev
)

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "deploy/setup.sh: needs root to install packages; run it as root or install sudo." >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "deploy/setup.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "deploy/setup.sh: all packages already installed"
fi
