#!/bin/sh
# Install the scanner / relay udev rules shipped with the app and make them take effect
# (docs/hardware.md): the station reads hidraw and tty devices without root.
set -e
RULES_SOURCE="/opt/Ordertrace Station/udev/70-ordertrace-scanners.rules"
if [ -f "$RULES_SOURCE" ]; then
  install -m 0644 "$RULES_SOURCE" /etc/udev/rules.d/70-ordertrace-scanners.rules
  udevadm control --reload-rules || true
  udevadm trigger || true
fi
