# Container Playground: like Ubuntu, keep the sbin directories on everyone's PATH
# (chroot, iptables, debootstrap ... live there; Debian's /etc/profile drops them for users).
for __cp_d in /usr/local/sbin /usr/sbin /sbin; do
  case ":$PATH:" in *":$__cp_d:"*) ;; *) PATH="$PATH:$__cp_d" ;; esac
done
unset __cp_d
export PATH
