#!/bin/bash
# The netem VM's agent: reads requests from the host on the virtio serial port $1 and runs them one at a
# time, as root. Framing is by byte counts, so any script and input pass unchanged:
#   host:  RUN <id> <script-bytes> <stdin-bytes>\n<script><stdin>      EXIT\n
#   agent: READY <kernel>\n   then per request   DONE <id> <exit-code> <stdout-bytes> <stderr-bytes>\n<stdout><stderr>
exec 3<>"$1"
printf 'READY %s\n' "$(uname -r)" >&3
while read -r verb id slen ilen <&3; do
  case $verb in
    RUN)
      # head -c reads no further than asked (bash's read takes one byte at a time), so framing holds.
      head -c "$slen" <&3 >/tmp/agent.sh
      head -c "$ilen" <&3 >/tmp/agent.in
      (cd /root && exec bash /tmp/agent.sh </tmp/agent.in >/tmp/agent.out 2>/tmp/agent.err 3>&-)
      rc=$?
      # Snapshots: a daemon the command started may still hold the files open.
      cp /tmp/agent.out /tmp/agent.out.sent; cp /tmp/agent.err /tmp/agent.err.sent
      printf 'DONE %s %s %s %s\n' "$id" "$rc" "$(stat -c %s /tmp/agent.out.sent)" "$(stat -c %s /tmp/agent.err.sent)" >&3
      cat /tmp/agent.out.sent /tmp/agent.err.sent >&3
      ;;
    EXIT) break ;;
    *) printf 'ERROR unknown request %q\n' "$verb" >&3 ;;
  esac
done
