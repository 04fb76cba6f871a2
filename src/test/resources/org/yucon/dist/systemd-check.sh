#!/bin/bash
# Runs inside a systemd-nspawn container booted by SystemdIT (systemd as PID 1, the host's files under an overlay):
# installs the package, serves a guest through the two units, restarts the gateway, stops the keeper. Prints
# "CHECK name value" lines for the test to judge; everything else is the record of what happened.
set -x
here=$(dirname "$0")
check() { echo "CHECK $1 $2"; }
export DEBIAN_FRONTEND=noninteractive
dpkg -i "$here/yucon.deb"; check installed $?
check version "$(yucon --version | head -1 | tr ' ' _)"
cp -a "$here/cache" /var/lib/yucon/cache
yucon kernel; check kernel $?
cat > /etc/yucon/guests/uml1.toml <<EOT
memory = "64M"
shutdown_timeout = "20s"
[[disk]]
image = "/var/lib/yucon/cache/rootfs/root.img"
cow = "/var/lib/yucon/cow/uml1/root.cow"
EOT
ssh-keygen -q -t ed25519 -N '' -f "$here/key"
yucon account add admin --admin --no-password --key "$here/key.pub"; check account $?
printf '[metrics]\nlisten = "9323"\n' >> /etc/yucon/yucon.toml
systemctl enable --now yucon-keeper.service yucon.service
ssh_() { ssh -p 2222 -i "$here/key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR admin@127.0.0.1 "$@"; }
for i in $(seq 60); do ssh_ status >/dev/null 2>&1 && break; sleep 1; done
ssh_ boot uml1; check boot $?
for i in $(seq 60); do ssh_ status uml1 | grep -q running && break; sleep 1; done
check status1 "$(ssh_ status uml1 | awk '{print $2}')"
keeper1=$(systemctl show -p MainPID --value yucon-keeper); gateway1=$(systemctl show -p MainPID --value yucon)
uml=$(cat /var/lib/yucon/state/uml/uml1/pid)
# The unified (v2) hierarchy's line: the one systemd delegates and the keeper moves itself in.
check keeper_cgroup "$(awk -F: '$1 == 0 {print $3}' /proc/$keeper1/cgroup)"
check uml_cgroup "$(awk -F: '$1 == 0 {print $3}' /proc/$uml/cgroup)"
check running_metric "$(curl -s http://127.0.0.1:9323/metrics | grep '^yucon_guests{state="running"}' | awk '{print $2}')"
systemctl restart yucon.service
for i in $(seq 60); do ssh_ status >/dev/null 2>&1 && break; sleep 1; done
check keeper_same "$([ "$(systemctl show -p MainPID --value yucon-keeper)" = "$keeper1" ] && echo yes || echo no)"
check gateway_new "$([ "$(systemctl show -p MainPID --value yucon)" != "$gateway1" ] && echo yes || echo no)"
check uml_alive "$(kill -0 "$uml" 2>/dev/null && echo yes || echo no)"
check status2 "$(ssh_ status uml1 | awk '{print $2}')"
check journal_line "$(journalctl -u yucon -o cat --no-pager | grep -m1 ' INFO ' | cut -c1-1)"
systemctl stop yucon-keeper.service
check keeper_result "$(systemctl show -p Result --value yucon-keeper)"
check gateway_state "$(systemctl is-active yucon.service)"
check gateway_result "$(systemctl show -p Result --value yucon)"
check uml_after_stop "$(kill -0 "$uml" 2>/dev/null && echo alive || echo gone)"
check graceful "$(grep -c 'The system is going down NOW' /var/lib/yucon/state/logs/uml1.log)"
# A keeper that dies is started again by systemd, and the gateway with it (Requires=); its guest runs on.
systemctl start yucon-keeper.service yucon.service
for i in $(seq 60); do ssh_ status >/dev/null 2>&1 && break; sleep 1; done
ssh_ boot uml1
for i in $(seq 60); do ssh_ status uml1 | grep -q running && break; sleep 1; done
keeper3=$(systemctl show -p MainPID --value yucon-keeper); gateway3=$(systemctl show -p MainPID --value yucon)
uml3=$(cat /var/lib/yucon/state/uml/uml1/pid)
kill -9 "$keeper3"
for i in $(seq 60); do
  k=$(systemctl show -p MainPID --value yucon-keeper); g=$(systemctl show -p MainPID --value yucon)
  [ "$k" != 0 ] && [ "$k" != "$keeper3" ] && [ "$g" != 0 ] && [ "$g" != "$gateway3" ] && ssh_ status >/dev/null 2>&1 && break
  sleep 1
done
check keeper_restarted "$([ "$(systemctl show -p MainPID --value yucon-keeper)" != "$keeper3" ] && systemctl is-active yucon-keeper)"
check gateway_restarted "$([ "$(systemctl show -p MainPID --value yucon)" != "$gateway3" ] && systemctl is-active yucon)"
check uml_survives_keeper "$(kill -0 "$uml3" 2>/dev/null && echo yes || echo no)"
check status3 "$(ssh_ status uml1 | tr ' ' _)"
journalctl -u yucon-keeper -u yucon --no-pager | tail -30
check done yes
