#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make-certs.sh: the certificates tests/e2e/t_migrate.sh uses (run once; the
# RSA 2048: SoftEther 5.01 refuses other user certificates (error 77).
# results are committed next to this script).  Long validity (100 years) so the
# committed files do not expire under the test.
#   ca.pem/ca.key          the trusted CA (SoftEther hub CertList, AuthType 3 users)
#   user2.pem/user2.key    self-signed, key encrypted with the passphrase in
#                          user2.pass (AuthType 2 user "certuser")
#   causer.pem/.key        CA-signed, CN=causer, serial 0x1003 (AuthType 3 "causer")
#   revoked.pem/.key       CA-signed, CN=revoked, serial 0x1004, revoked in crl.pem
#   mallory.pem/.key       CA-signed, CN=mallory (no user matches this CN/serial)
#   rogue.pem/.key         CN=causer, serial 0x1003, but from an untrusted CA (rogue-ca)
#   crl.pem                the CA's CRL revoking serial 0x1004
set -eu
cd "$(dirname "$0")"
DAYS=36500
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }
cat > "$t/client.ext" <<X
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
X
cat > "$t/ca.ext" <<X
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
X

# ca CN KEYFILE CERTFILE
mkca() {
	key "$2"
	openssl req -new -x509 -key "$2" -out "$3" -days $DAYS -subj "/CN=$1" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}
# leaf NAME CN SERIAL CA_CERT CA_KEY
leaf() {
	key "$1.key"
	openssl req -new -key "$1.key" -out "$t/$1.csr" -subj "/CN=$2"
	openssl x509 -req -in "$t/$1.csr" -CA "$4" -CAkey "$5" -set_serial "$3" -days $DAYS \
		-extfile "$t/client.ext" -out "$1.pem" 2>/dev/null
}

mkca "vpnhub test CA" ca.key ca.pem
mkca "rogue CA" "$t/rogue-ca.key" "$t/rogue-ca.pem"
leaf causer causer 0x1003 ca.pem ca.key
leaf revoked revoked 0x1004 ca.pem ca.key
leaf mallory mallory 0x1005 ca.pem ca.key
leaf rogue causer 0x1003 "$t/rogue-ca.pem" "$t/rogue-ca.key"

# AuthType 2: a self-signed certificate, key under a passphrase
echo "correct horse battery staple" > user2.pass
key "$t/user2.plain"
openssl pkey -in "$t/user2.plain" -aes-256-cbc -passout file:user2.pass -out user2.key
openssl req -new -x509 -key "$t/user2.plain" -out user2.pem -days $DAYS -subj "/CN=certuser" \
	-addext "basicConstraints=critical,CA:FALSE" -addext "extendedKeyUsage=clientAuth"

# the CRL: a minimal "openssl ca" database holding the revoked certificate
mkdir -p "$t/db"
: > "$t/db/index.txt"
echo 1000 > "$t/db/crlnumber"
cat > "$t/ca.cnf" <<X
[ca]
default_ca = test
[test]
database = $t/db/index.txt
crlnumber = $t/db/crlnumber
certificate = ca.pem
private_key = ca.key
default_md = sha256
default_crl_days = $DAYS
X
openssl ca -config "$t/ca.cnf" -revoke revoked.pem -crl_reason keyCompromise 2>/dev/null
openssl ca -config "$t/ca.cnf" -gencrl -out crl.pem 2>/dev/null
chmod 600 ./*.key
openssl crl -in crl.pem -noout -text | grep -A1 "Serial Number"
