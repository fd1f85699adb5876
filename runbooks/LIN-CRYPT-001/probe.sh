# Compliant when the file system holding each path in
# encrypted_mount_points (findmnt --target) lies on a dm-crypt (LUKS)
# device somewhere in its block-device stack (lsblk --inverse: e.g. ext4 on
# LVM on LUKS on a partition), is a ZFS dataset with native encryption, or
# lives in memory (tmpfs).
# Not applicable in a container: its file systems (overlay, bind mounts)
# are the host's storage, whose encryption must be checked on the host.
# A container is what systemd-detect-virt --container says, except that
# its answers "docker" and "podman" may come from the marker files alone
# (it falls back to /.dockerenv and /run/.containerenv, which can be left
# on a real host, e.g. by a copied image): those need the kernel's
# evidence as well, a PID namespace (no kthreadd as PID 2) or an overlay
# root (/proc/self/mountinfo). Without systemd-detect-virt: a marker
# (those files, container= in PID 1's environment) and that evidence.
# No automatic fix (L3): encrypting a volume means moving its data and
# deciding on keys; a person does that.
PATH=$PATH:/usr/sbin:/sbin
paths=${COMPLY_INPUT_ENCRYPTED_MOUNT_POINTS:-}
[ -n "$paths" ] || { echo "input encrypted_mount_points is empty" >&2; exit 2; }
command -v findmnt >/dev/null 2>&1 && command -v lsblk >/dev/null 2>&1 || { echo "findmnt and lsblk (util-linux) are needed" >&2; exit 2; }
if in_container; then
  echo "not applicable in a container: its root file system ($(findmnt -n -o FSTYPE --target / 2>/dev/null || echo unknown)) is the host's storage; check encryption at rest on the host"
  exit 77
fi
# One line per path: "OK ..." or "BAD ...".
results=$(for path in $paths; do
  if [ ! -e "$path" ]; then
    echo "BAD $path does not exist"
    continue
  fi
  if ! info=$(findmnt -n -o TARGET,SOURCE,FSTYPE --target "$path"); then
    echo "ERROR findmnt could not tell which file system holds $path"
    continue
  fi
  read -r target source fstype <<INFO
$info
INFO
  device=${source%%\[*}
  case $fstype in
    tmpfs | ramfs)
      echo "OK $path: on $target ($fstype), kept in memory only" ;;
    zfs)
      if ! enc=$(zfs get -H -o value encryption "$source" 2>/dev/null); then
        echo "ERROR $path: on the ZFS dataset $source, whose encryption zfs could not report"
      elif [ "$enc" != off ]; then
        echo "OK $path: on $target, ZFS dataset $source with native encryption ($enc)"
      else
        echo "BAD $path: on $target, ZFS dataset $source without native encryption"
      fi ;;
    *)
      if [ -b "$device" ] && lsblk -n -s -o TYPE "$device" 2>/dev/null | grep -qx crypt; then
        echo "OK $path: on $target ($fstype on $device), encrypted with dm-crypt: $(lsblk -n -s -o NAME,TYPE "$device" | awk '{ printf "%s%s(%s)", sep, $1, $2; sep = " < " }' | sed 's/[^[:alnum:]()<> _.-]//g')"
      else
        echo "BAD $path: on $target ($fstype on $source), which is not on an encrypted (dm-crypt/LUKS) device"
      fi ;;
  esac
done)
errors=$(printf '%s\n' "$results" | sed -n 's/^ERROR //p')
bad=$(printf '%s\n' "$results" | sed -n 's/^BAD //p')
good=$(printf '%s\n' "$results" | sed -n 's/^OK //p')
if [ -n "$errors" ]; then
  printf '%s\n' "$errors" "$bad" "$good" | sed '/^$/d'
  exit 2
fi
if [ -n "$bad" ]; then
  printf '%s\n' "$bad" "$good" | sed '/^$/d'
  exit 1
fi
printf '%s\n' "$good"
