#!/bin/sh
# Privilege drop: busybox su execs the shell, which execs the command as appuser (uid 1001).
exec su appuser -c "exec $*"
