#!/usr/bin/env bash
# Checks for the system tools the tests drive for real, and installs the
# missing ones from Debian's packages when it can (root, or sudo without a
# password). Fails with the list of what is missing when it cannot.
set -euo pipefail

# command -> Debian package
declare -A need=(
  [socat]=socat
  [mosquitto]=mosquitto
  [mosquitto_sub]=mosquitto-clients
  [ffmpeg]=ffmpeg
  [chromium]=chromium
  [openssl]=openssl
  # Steps the wall clock a controller process sees, for the clock-jump fault test.
  [faketime]=faketime
  [espeak-ng]=espeak-ng
  # Rates the installed unit's hardening offline.
  [systemd-analyze]=systemd
  # The single binary: arm64 addons are cross-compiled and the arm64 build is booted under emulation.
  [aarch64-linux-gnu-g++]=g++-aarch64-linux-gnu
  [qemu-aarch64-static]=qemu-user-static
  # The audit trail's syslog receiver (RFC 5425 over TLS), an implementation the project did not write.
  [rsyslogd]=rsyslog
  # Modbus implementations the project did not write: libmodbus's client reads the simulators.
  [mbpoll]=mbpoll
  # GStreamer: the RTSP server the live view is tested against, and its MP4 demuxer.
  [gst-launch-1.0]=gstreamer1.0-tools
  # SIP as an upper GB/T 28181 platform speaks it: sipp plays the platform, digest checks included.
  [sipp]=sip-tester
  # Wireshark's SIP dissector judges the malformed messages the gateway must refuse.
  [tshark]=tshark
  # The police alarm centre's desk for talk-back: baresip answers, speaks and records.
  [baresip]=baresip-core
)
# Libraries, not commands: path pattern -> Debian package.
declare -A need_files=(
  ['/usr/lib/*/rsyslog/lmnsd_gtls.so']=rsyslog-gnutls
  # The Modbus server the controller is tested against (hil-tests/sim/pymodbus-server.py).
  ['/usr/lib/python3/dist-packages/pymodbus/__init__.py']=python3-pymodbus
  ['/usr/lib/*/girepository-1.0/GstRtspServer-1.0.typelib']=gir1.2-gst-rtsp-server-1.0
  ['/usr/lib/python3/dist-packages/gi/__init__.py']=python3-gi
  ['/usr/lib/*/gstreamer-1.0/libgstx264.so']=gstreamer1.0-plugins-ugly
  ['/usr/lib/*/gstreamer-1.0/libgstx265.so']=gstreamer1.0-plugins-bad
  ['/usr/lib/*/gstreamer-1.0/libgstisomp4.so']=gstreamer1.0-plugins-good
  ['/usr/lib/*/gstreamer-1.0/libgstvideotestsrc.so']=gstreamer1.0-plugins-base
  # The intercom's microphone: a tone, A-law, over RTP.
  ['/usr/lib/*/gstreamer-1.0/libgstaudiotestsrc.so']=gstreamer1.0-plugins-base
  ['/usr/lib/*/gstreamer-1.0/libgstalaw.so']=gstreamer1.0-plugins-good
)
has_file() { compgen -G "$1" >/dev/null; }

missing=()
for cmd in "${!need[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}")
done
for pattern in "${!need_files[@]}"; do
  has_file "$pattern" || missing+=("${need_files[$pattern]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else
  echo "error: missing system packages: $pkgs" >&2
  echo "       install them with: sudo apt-get install -y $pkgs" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: missing system packages ($pkgs) and no apt-get to install them; this needs Debian 12 or Ubuntu 22.04 or newer" >&2
  exit 1
fi
echo "installing system packages: $pkgs"
export DEBIAN_FRONTEND=noninteractive
if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends $pkgs >/dev/null; }; then
  echo "error: apt-get could not install: $pkgs (is a Debian mirror reachable?)" >&2
  exit 1
fi
for cmd in "${!need[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || { echo "error: $cmd is still missing after installing ${need[$cmd]}" >&2; exit 1; }
done
for pattern in "${!need_files[@]}"; do
  has_file "$pattern" || { echo "error: $pattern is still missing after installing ${need_files[$pattern]}" >&2; exit 1; }
done
