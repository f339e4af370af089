#!/bin/sh
set -e
chown appuser:appuser /data
exec su -s /bin/sh appuser -c 'exec sleep 300'
