#!/usr/bin/env bash
# seed-users.sh -- add N synthetic hybrid users to one OU of the test DC, fast (one ldapadd).
#
#   seed-users.sh N OU_NAME [PREFIX]
#
# N        how many users the OU must hold (users 1..N; existing ones are kept).
# OU_NAME  the OU's name directly under the domain root, e.g. idrift-paged-2000.
# PREFIX   the DC's prefix, as for samba-ad-up.sh (default: $SAMBA_AD_DIR, else ${TMPDIR:-/tmp}/idrift-samba-ad).
#
# Idempotent: when the OU already holds at least N users nothing is written, so a seeded OU is reused
# across runs. Each user carries the attributes IdentityDrift reads: UPN, mail, two proxyAddresses, mobile,
# two otherMobile values, targetAddress, msExchMailboxGuid, msExchRecipientTypeDetails (every second user a
# RemoteUserMailbox, 2147483648), msExchRemoteRecipientType, msExchRecipientDisplayType (written unsigned,
# 2147483654, stored as -2147483642) and, for every third user, mS-DS-ConsistencyGuid.
# Values are deterministic functions of the OU name and the user number.
# Prints "seeded OU=...: N users (added K in S s)" on stdout.
set -euo pipefail

N=${1:?usage: seed-users.sh N OU_NAME [PREFIX]}
OU_NAME=${2:?usage: seed-users.sh N OU_NAME [PREFIX]}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
case "$N" in ''|*[!0-9]*) echo "seed-users: N must be a number, got $N" >&2; exit 2 ;; esac
case "$OU_NAME" in ''|*[!A-Za-z0-9-]*) echo "seed-users: OU_NAME may hold letters, digits and '-' only" >&2; exit 2 ;; esac

eval "$(bash "$HERE/samba-ad-up.sh" env ${3:+"$3"})"
OU="OU=$OU_NAME,$AD_BASE_DN"
DOMAIN_LC=$(echo "$AD_REALM" | tr '[:upper:]' '[:lower:]')
# sAMAccountName is unique per domain and at most 20 characters: a short tag derived from the OU name.
TAG="s$(printf %s "$OU_NAME" | cksum | cut -c1-6)"

count_users() {
  ldapsearch -x -LLL -o ldif-wrap=no -H "$AD_LDAP_URL" -D "$AD_BIND_DN" -w "$AD_BIND_PASSWORD" \
    -b "$OU" -s one -E pr=1000/noprompt '(objectClass=user)' 1.1 2>/dev/null | grep -c '^dn:' || true
}

# Parallel seeders of one OU (tests running at once) wait for each other instead of racing.
if command -v flock >/dev/null 2>&1; then exec 8>"$SAMBA_AD_DIR.seed-$OU_NAME.lock"; flock 8; fi

have=$(count_users)
if [ "$have" -ge "$N" ]; then
  echo "seeded $OU: $have users (added 0 in 0.00 s)"
  exit 0
fi

t0=$(date +%s.%N)
ldif=$(mktemp "${TMPDIR:-/tmp}/idrift-seed.XXXXXX")
trap 'rm -f "$ldif"' EXIT
awk -v n="$N" -v ou="$OU" -v ouname="$OU_NAME" -v tag="$TAG" -v dom="$DOMAIN_LC" '
function b64(hex,    i, out, b, bits, nb, c) {
  # hex string (even length) -> base64
  out = ""; bits = 0; nb = 0
  for (i = 1; i <= length(hex); i += 2) {
    b = H[substr(hex, i, 1)] * 16 + H[substr(hex, i + 1, 1)]
    bits = bits * 256 + b; nb += 8
    while (nb >= 6) { nb -= 6; c = int(bits / 2 ^ nb); bits -= c * 2 ^ nb; out = out substr(A, c + 1, 1) }
  }
  if (nb > 0) { c = bits * 2 ^ (6 - nb); out = out substr(A, c + 1, 1) }
  while (length(out) % 4) out = out "="
  return out
}
BEGIN {
  A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  for (i = 0; i < 10; i++) H[i ""] = i
  H["a"] = 10; H["b"] = 11; H["c"] = 12; H["d"] = 13; H["e"] = 14; H["f"] = 15
  print "dn: " ou; print "objectClass: organizationalUnit"; print "ou: " ouname; print ""
  for (i = 1; i <= n; i++) {
    id = sprintf("%06d", i)
    name = tag "." id
    print "dn: CN=Seed User " id "," ou
    print "objectClass: user"
    print "cn: Seed User " id
    print "sAMAccountName: " tag "-" id
    print "userPrincipalName: " name "@" dom
    print "givenName: Seed"
    print "sn: User " id
    print "displayName: Seed User " id
    print "mail: " name "@" dom
    print "proxyAddresses: SMTP:" name "@" dom
    print "proxyAddresses: smtp:" name "@contoso.mail.onmicrosoft.com"
    print "mobile: +1 555 " substr(id, 3)
    print "otherMobile: +1 556 " substr(id, 3)
    print "otherMobile: +1 557 " substr(id, 3)
    print "targetAddress: SMTP:" name "@contoso.mail.onmicrosoft.com"
    print "msExchMailboxGuid:: " b64(sprintf("0f1e2d3c4b5a69788796a5b4%08x", i))
    if (i % 2 == 0) {
      print "msExchRecipientTypeDetails: 2147483648"
      print "msExchRemoteRecipientType: 4"
      print "msExchRecipientDisplayType: 2147483654"
    } else {
      print "msExchRecipientTypeDetails: 1"
      print "msExchRecipientDisplayType: 1073741824"
    }
    if (i % 3 == 0) print "mS-DS-ConsistencyGuid:: " b64(sprintf("c63d20cee5ac6048a8db9418%08x", i))
    print ""
  }
}' > "$ldif"

# -c: users already present (alreadyExists) are skipped, so a partly seeded OU is completed.
ldapadd -x -c -H "$AD_LDAP_URL" -D "$AD_BIND_DN" -w "$AD_BIND_PASSWORD" -f "$ldif" >/dev/null 2>"$ldif.err" || true
now_have=$(count_users)
if [ "$now_have" -lt "$N" ]; then
  grep -v -e 'Already exists' -e '^$' "$ldif.err" | head -20 >&2 || true
  rm -f "$ldif.err"
  echo "seed-users: $OU holds $now_have users after seeding, expected at least $N" >&2
  exit 1
fi
rm -f "$ldif.err"
secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}')
echo "seeded $OU: $now_have users (added $((now_have - have)) in $secs s)"
