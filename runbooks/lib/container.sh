# lib/container.sh — whether the probe runs in a container, by the
# kernel's evidence; shared by LIN-CRYPT-001 and LIN-FW-001. Defines
# functions only.
#
# Provides: kernel_says_container, in_container.
# A container, by the kernel's evidence: systemd-detect-virt, whose answers
# "docker" and "podman" may come from the marker files alone (it falls back
# to /.dockerenv and /run/.containerenv, which can be left on a real host),
# so those need a PID namespace or an overlay root as well; without
# systemd-detect-virt, a marker (files, container= of PID 1) and that evidence.
kernel_says_container() {
  [ "$(cat /proc/2/comm 2>/dev/null)" != kthreadd ] ||
    awk '$5 == "/" { root = $0 } END { sub(/.* - /, "", root); split(root, f, " "); exit !(f[1] ~ /^(overlay|fuse-overlayfs|aufs)$/) }' /proc/self/mountinfo 2>/dev/null
}
in_container() {
  if command -v systemd-detect-virt >/dev/null 2>&1; then
    virt=$(systemd-detect-virt --container 2>/dev/null) || return 1
    case "$virt" in
      docker | podman) kernel_says_container ;;
      *) return 0 ;;
    esac
  else
    { [ -e /.dockerenv ] || [ -e /run/.containerenv ] || tr '\0' '\n' </proc/1/environ 2>/dev/null | grep -q '^container=.'; } &&
      kernel_says_container
  fi
}
