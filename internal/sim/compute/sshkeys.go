package compute

import (
	"bytes"
	"crypto/ed25519"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// errBadSSHKey is Nova's reason when a public key cannot be read.
var errBadSSHKey = errors.New("failed to generate fingerprint")

// sshKeyTypes are the OpenSSH public key algorithms Nova accepts.
var sshKeyTypes = map[string]bool{
	"ssh-rsa": true, "ssh-dss": true, "ssh-ed25519": true,
	"ecdsa-sha2-nistp256": true, "ecdsa-sha2-nistp384": true, "ecdsa-sha2-nistp521": true,
}

// sshFingerprint is Nova's fingerprint of an OpenSSH public key ("type
// base64 comment"): the MD5 of the decoded key blob as aa:bb:…
func sshFingerprint(publicKey string) (string, error) {
	f := strings.Fields(publicKey)
	if len(f) < 2 || !sshKeyTypes[f[0]] {
		return "", errBadSSHKey
	}
	blob, err := base64.StdEncoding.DecodeString(f[1])
	if err != nil {
		return "", errBadSSHKey
	}
	if typ, _, ok := readSSHString(blob); !ok || string(typ) != f[0] {
		return "", errBadSSHKey
	}
	sum := md5.Sum(blob)
	return colonHex(sum[:]), nil
}

// x509Fingerprint is Nova's fingerprint of an x509 keypair: the SHA-1
// of the certificate's DER bytes.
func x509Fingerprint(cert string) (string, error) {
	block, _ := pem.Decode([]byte(cert))
	if block == nil || block.Type != "CERTIFICATE" {
		return "", errBadSSHKey
	}
	sum := sha1.Sum(block.Bytes)
	return colonHex(sum[:]), nil
}

func colonHex(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("%02x", c)
	}
	return strings.Join(parts, ":")
}

// readSSHString reads one length-prefixed string of the SSH wire format.
func readSSHString(b []byte) (s, rest []byte, ok bool) {
	if len(b) < 4 {
		return nil, nil, false
	}
	n := binary.BigEndian.Uint32(b)
	if uint64(n) > uint64(len(b)-4) {
		return nil, nil, false
	}
	return b[4 : 4+n], b[4+n:], true
}

// sshString appends s in the SSH wire format.
func sshString(buf *bytes.Buffer, s []byte) {
	binary.Write(buf, binary.BigEndian, uint32(len(s)))
	buf.Write(s)
}

// generateSSHKey makes a new ed25519 key pair, as Nova generates one for
// a keypair created without a public key. It returns the public key in
// authorized_keys form and the private key in OpenSSH form.
func generateSSHKey(comment string) (publicKey, privateKey string, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", err
	}
	var blob bytes.Buffer
	sshString(&blob, []byte("ssh-ed25519"))
	sshString(&blob, pub)
	publicKey = "ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob.Bytes()) + " " + comment + "\n"
	return publicKey, openSSHPrivateKey(blob.Bytes(), pub, priv, comment), nil
}

// openSSHPrivateKey encodes an unencrypted "openssh-key-v1" private key.
func openSSHPrivateKey(pubBlob []byte, pub ed25519.PublicKey, priv ed25519.PrivateKey, comment string) string {
	var check [4]byte
	rand.Read(check[:])
	var sec bytes.Buffer
	sec.Write(check[:])
	sec.Write(check[:])
	sshString(&sec, []byte("ssh-ed25519"))
	sshString(&sec, pub)
	sshString(&sec, priv) // seed followed by the public key, 64 bytes
	sshString(&sec, []byte(comment))
	for i := byte(1); sec.Len()%8 != 0; i++ {
		sec.WriteByte(i)
	}
	var body bytes.Buffer
	body.WriteString("openssh-key-v1\x00")
	sshString(&body, []byte("none"))
	sshString(&body, []byte("none"))
	sshString(&body, nil)
	binary.Write(&body, binary.BigEndian, uint32(1))
	sshString(&body, pubBlob)
	sshString(&body, sec.Bytes())
	enc := base64.StdEncoding.EncodeToString(body.Bytes())
	var out strings.Builder
	out.WriteString("-----BEGIN OPENSSH PRIVATE KEY-----\n")
	for len(enc) > 70 {
		out.WriteString(enc[:70] + "\n")
		enc = enc[70:]
	}
	out.WriteString(enc + "\n-----END OPENSSH PRIVATE KEY-----\n")
	return out.String()
}
