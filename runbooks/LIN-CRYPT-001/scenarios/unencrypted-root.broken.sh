# fixtures: debian12-vm
# The VM's root file system is a plain ext4 on /dev/vda.
! lsblk -n -s -o TYPE "$(findmnt -n -o SOURCE /)" | grep -qx crypt
