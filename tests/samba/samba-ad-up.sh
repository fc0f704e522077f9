#!/usr/bin/env bash
# samba-ad-up.sh -- IdentityDrift's throwaway Samba AD DC on loopback, for the live-AD tests
# (tests/it/ad_live.rs) and the LDAP benchmark (xtask/src/ldap_bench.rs).
# Adapted from a tested recipe (Debian 12, Samba 4.17); see README.md next to this file.
#
#   samba-ad-up.sh [up|down|status|env|destroy] [PREFIX]      (default: up)
#
# up      install packages if missing, provision once into PREFIX, write a
#         loopback-only smb.conf, make a TLS cert with SANs, start samba, wait for
#         LDAP, extend the schema with the Exchange attributes (once), print env.
#         Idempotent: an existing provision is reused, a running DC is left alone.
# down    stop the DC (SIGTERM to the pid in PREFIX/run/samba.pid).
# status  exit 0 if the DC answers LDAP.
# env     print the connection variables (shell-sourceable).
# destroy down + rm -rf PREFIX.
#
# PREFIX  where everything lives (database, smb.conf, TLS files, logs, pid file).
#         Taken from the second argument, else from $SAMBA_AD_DIR, else
#         ${TMPDIR:-/tmp}/idrift-samba-ad. Made absolute. Pass the
#         same PREFIX to every command. Keep it short (at most 80 characters):
#         Samba puts Unix sockets below it and socket paths are limited to 107 bytes.
#
# Tested: Debian 12, samba 2:4.17.12+dfsg-0+deb12u4, as root, 2 cores.
# Needs root: Samba's LDAP ports are hard-coded (389 ldap, 636 ldaps, 3268/3269 GC);
# only 127.0.0.1 and ::1 are bound. Nothing else is started (server services = ldap).
#
# Knobs (environment):
#   SAMBA_AD_DIR      PREFIX, if no second argument is given (default ${TMPDIR:-/tmp}/idrift-samba-ad)
#   SAMBA_AD_REALM    Kerberos/DNS realm         (default CONTOSO.TEST)
#   SAMBA_AD_DOMAIN   NetBIOS domain             (default CONTOSO)
#   SAMBA_AD_PASS     Administrator password     (default Passw0rd!Test123; must meet AD complexity)
#   SAMBA_AD_EXCHANGE 1 = apply exchange-schema.ldif (default 1)
#   SAMBA_AD_SCHEMA_LDIF path of the LDIF        (default: exchange-schema.ldif next to this script)
#   SAMBA_AD_INSTALL  1 = apt-get install missing packages (default 1)
#   SAMBA_AD_BACKEND  tdb | mdb (lmdb)           (default tdb)
set -euo pipefail

DIR=${2:-${SAMBA_AD_DIR:-${TMPDIR:-/tmp}/idrift-samba-ad}}
case "$DIR" in /*) ;; *) DIR=$PWD/$DIR ;; esac
DIR=${DIR%/}
REALM=${SAMBA_AD_REALM:-CONTOSO.TEST}
DOMAIN=${SAMBA_AD_DOMAIN:-CONTOSO}
PASS=${SAMBA_AD_PASS:-Passw0rd!Test123}
EXCHANGE=${SAMBA_AD_EXCHANGE:-1}
INSTALL=${SAMBA_AD_INSTALL:-1}
BACKEND=${SAMBA_AD_BACKEND:-tdb}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SCHEMA_LDIF=${SAMBA_AD_SCHEMA_LDIF:-$HERE/exchange-schema.ldif}

realm_lc=$(echo "$REALM" | tr '[:upper:]' '[:lower:]')
BASE_DN=$(echo "$realm_lc" | sed 's/^/DC=/; s/\./,DC=/g')
BIND_DN="CN=Administrator,CN=Users,$BASE_DN"
CONF=$DIR/etc/smb.conf
PIDFILE=$DIR/run/samba.pid
LDAP_URL=ldap://127.0.0.1:389
LDAPS_URL=ldaps://127.0.0.1:636

log() { echo "samba-ad: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}'; }

ldap_up() { ldapsearch -x -LLL -o nettimeout=2 -H "$LDAP_URL" -b '' -s base dnsHostName >/dev/null 2>&1; }
running_pid() {
  [ -s "$PIDFILE" ] || return 1
  local p; p=$(tr -dc '0-9' < "$PIDFILE")
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null && echo "$p"
}

print_env() {
  cat <<EOF
export SAMBA_AD_DIR='$DIR'
export AD_LDAP_URL='$LDAP_URL'
export AD_LDAPS_URL='$LDAPS_URL'
export AD_LDAPI_URL='ldapi://$(echo "$DIR/private/ldapi" | sed 's#/#%2F#g')'
export AD_CA_FILE='$DIR/tls/ca.pem'
export AD_BASE_DN='$BASE_DN'
export AD_BIND_DN='$BIND_DN'
export AD_BIND_UPN='Administrator@$realm_lc'
export AD_BIND_PASSWORD='$PASS'
export AD_REALM='$REALM'
export AD_DOMAIN='$DOMAIN'
EOF
}

install_pkgs() {
  local need=()
  command -v samba >/dev/null 2>&1 || need+=(samba)
  command -v ldapsearch >/dev/null 2>&1 || need+=(ldap-utils)
  [ -d /usr/share/samba/setup/ad-schema ] || need+=(samba-ad-provision)
  [ -e /usr/lib/x86_64-linux-gnu/samba/vfs/acl_xattr.so ] || ls /usr/lib/*/samba/vfs/acl_xattr.so >/dev/null 2>&1 || need+=(samba-vfs-modules)
  ls /usr/lib/*/samba/ldb/samba_dsdb.so >/dev/null 2>&1 || need+=(samba-dsdb-modules)
  command -v openssl >/dev/null 2>&1 || need+=(openssl)
  [ ${#need[@]} -eq 0 ] && return 0
  [ "$INSTALL" = 1 ] || die "missing packages: ${need[*]}"
  log "installing: ${need[*]}"
  # Never let the package scripts start smbd/nmbd/samba-ad-dc system-wide.
  local made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; made_policy=1
  fi
  local t0; t0=$(now)
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    samba samba-dsdb-modules samba-vfs-modules samba-ad-provision ldap-utils openssl >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
         samba samba-dsdb-modules samba-vfs-modules samba-ad-provision ldap-utils openssl >/dev/null; }
  [ $made_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
  log "packages installed in $(since "$t0") s"
}

write_conf() {
  mkdir -p "$DIR/etc" "$DIR/run" "$DIR/log"
  cat > "$CONF" <<EOF
# generated by samba-ad-up.sh -- loopback-only test DC
[global]
	netbios name = DC1
	workgroup = $DOMAIN
	realm = $REALM
	server role = active directory domain controller
	# only the LDAP server (389/636/3268/3269 + ldapi socket); no smbd, nbt, kdc, dns, rpc, dnsupdate
	server services = ldap
	interfaces = lo
	bind interfaces only = yes
	# everything below the prefix
	private dir = $DIR/private
	lock directory = $DIR
	state directory = $DIR/state
	cache directory = $DIR/cache
	binddns dir = $DIR/bind-dns
	pid directory = $DIR/run
	ncalrpc dir = $DIR/run/ncalrpc
	winbindd socket directory = $DIR/run/winbindd
	ntp signd socket directory = $DIR/run/ntp_signd
	log file = $DIR/log/samba.log
	log level = 1
	idmap_ldb:use rfc2307 = yes
	# allow simple bind over plain ldap:// (default 'yes' => strongerAuthRequired(8))
	ldap server require strong auth = no
	tls enabled = yes
	tls keyfile = $DIR/tls/key.pem
	tls certfile = $DIR/tls/cert.pem
	tls cafile = $DIR/tls/ca.pem
	# allow schema extensions over LDAP (Exchange attributes)
	dsdb:schema update allowed = true
	# test DB: skip fsync
	ldb:nosync = true

[sysvol]
	path = $DIR/state/sysvol
	read only = No

[netlogon]
	path = $DIR/state/sysvol/$realm_lc/scripts
	read only = No
EOF
}

make_tls() {
  [ -s "$DIR/tls/cert.pem" ] && return 0
  mkdir -p "$DIR/tls"; ( cd "$DIR/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 \
      -subj "/CN=samba-ad test CA" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout key.pem -out req.csr -subj "/CN=dc1.$realm_lc" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,DNS:dc1.%s,DNS:%s,IP:127.0.0.1,IP:::1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' \
      "$realm_lc" "$realm_lc" > ext.cnf
    openssl x509 -req -in req.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out cert.pem -days 3650 -extfile ext.cnf 2>/dev/null
    chmod 600 key.pem ca.key; rm -f req.csr ext.cnf )
}

# only ever delete a directory this script made (or an empty one)
safe_rm_dir() {
  [ -e "$DIR" ] || return 0
  case "$DIR" in /|/tmp|/tmp/|/root|/home|/usr*|/etc*|/var|/var/) die "refusing to remove $DIR";; esac
  if [ -z "$(ls -A "$DIR")" ] || [ -f "$DIR/provision.log" ] || [ -f "$DIR/private/sam.ldb" ]; then
    rm -rf "$DIR"
  else
    die "$DIR exists and does not look like a samba-ad-up.sh prefix; refusing to remove it"
  fi
}

provision() {
  [ -f "$DIR/.provisioned" ] && return 0
  log "provisioning $REALM into $DIR"
  safe_rm_dir; mkdir -p "$DIR"
  : > "$DIR/empty.conf"   # keep /etc/samba/smb.conf out of the generated config
  local t0; t0=$(now)
  samba-tool domain provision -s "$DIR/empty.conf" --targetdir="$DIR" \
    --realm="$REALM" --domain="$DOMAIN" --server-role=dc --dns-backend=NONE \
    --use-rfc2307 --backend-store="$BACKEND" --host-name=dc1 --host-ip=127.0.0.1 --adminpass="$PASS" \
    --option="interfaces=lo" --option="bind interfaces only=yes" > "$DIR/provision.log" 2>&1 \
    || { tail -20 "$DIR/provision.log" >&2; die "provision failed (log: $DIR/provision.log)"; }
  rm -f "$DIR/empty.conf"
  log "provisioned in $(since "$t0") s"
}

start() {
  if running_pid >/dev/null; then
    ldap_up && { log "already running (pid $(running_pid))"; return 0; }
  fi
  # fail early if someone else owns the port
  if (exec 3<>/dev/tcp/127.0.0.1/389) 2>/dev/null; then die "127.0.0.1:389 is already in use by another process"; fi
  rm -f "$PIDFILE"
  local t0; t0=$(now)
  # fd 9 holds the `up` lock; the daemon must not inherit it
  samba -D -s "$CONF" </dev/null 9>&-
  for _ in $(seq 1 300); do ldap_up && break; sleep 0.1; done
  ldap_up || { tail -30 "$DIR/log/samba.log" >&2; die "LDAP did not come up within 30 s"; }
  log "samba up (pid $(running_pid)) in $(since "$t0") s"
}

extend_schema() {
  [ "$EXCHANGE" = 1 ] || return 0
  [ -f "$DIR/.exchange-schema" ] && return 0
  local S="CN=Schema,CN=Configuration,$BASE_DN"
  if ldapsearch -x -LLL -H "$LDAP_URL" -D "$BIND_DN" -w "$PASS" -b "$S" '(lDAPDisplayName=msExchMailboxGuid)' dn | grep -q '^dn:'; then
    touch "$DIR/.exchange-schema"; return 0
  fi
  [ -f "$SCHEMA_LDIF" ] || die "schema LDIF not found: $SCHEMA_LDIF (set SAMBA_AD_EXCHANGE=0 to skip)"
  local t0; t0=$(now)
  sed "s|DC=contoso,DC=test|$BASE_DN|g" "$SCHEMA_LDIF" \
    | ldapmodify -x -H "$LDAP_URL" -D "$BIND_DN" -w "$PASS" >/dev/null \
    || die "schema extension failed"
  touch "$DIR/.exchange-schema"
  log "Exchange schema attributes added in $(since "$t0") s"
}

stop() {
  local p; p=$(running_pid) || { log "not running"; return 0; }
  kill -TERM "$p"
  # samba exits in ~20 ms; /proc shows a zombie until its parent reaps it
  for _ in $(seq 1 100); do
    [ -e /proc/$p ] || break
    [ "$(awk '{print $3}' /proc/$p/stat 2>/dev/null)" = Z ] && break
    sleep 0.05
  done
  rm -f "$PIDFILE"
  log "stopped (pid $p)"
}

cmd=${1:-up}
case "$cmd" in
  up)
    [ "$(id -u)" = 0 ] || die "must run as root (ports 389/636 are fixed in Samba)"
    # Unix socket paths are limited to 107 bytes: with a longer prefix samba either
    # loses its private ldapi socket (from ~83 chars) or fails to start (from ~94 chars).
    [ ${#DIR} -le 80 ] || die "PREFIX is ${#DIR} characters long; use one of at most 80: $DIR"
    # Two concurrent `up` calls (a test run and a benchmark) must not provision twice.
    mkdir -p "$(dirname "$DIR")"
    if command -v flock >/dev/null 2>&1; then exec 9>"$DIR.lock"; flock 9; fi
    t_up=$(now)
    install_pkgs
    provision
    write_conf
    make_tls
    touch "$DIR/.provisioned"
    start
    extend_schema
    ldapsearch -x -LLL -H "$LDAP_URL" -D "$BIND_DN" -w "$PASS" -b "$BASE_DN" -s base dn >/dev/null \
      || die "simple bind as $BIND_DN failed"
    print_env
    log "up in $(since "$t_up") s"
    echo "# LDAP ready: $LDAP_URL  bind DN: $BIND_DN  (ldaps: $LDAPS_URL, CA: $DIR/tls/ca.pem)"
    ;;
  down) stop ;;
  status) ldap_up && running_pid >/dev/null && { echo "up (pid $(running_pid))"; exit 0; }; echo down; exit 1 ;;
  env) print_env ;;
  destroy) stop; safe_rm_dir; log "removed $DIR" ;;
  *) echo "usage: $0 [up|down|status|env|destroy] [PREFIX]" >&2; exit 2 ;;
esac
