package compute

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

func TestNovaVersionParsing(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   microversion
		status int
	}{
		{"", 1, 0}, {"compute 2.79", 79, 0}, {"compute latest", maxNovaVersion, 0},
		{"volume 3.5, compute 2.60", 60, 0}, {"compute 2.97", 0, 406}, {"compute 3.0", 0, 406},
		{"compute 2.0", 0, 406}, {"compute 2.x", 0, 400},
	} {
		h := http.Header{}
		if tc.header != "" {
			h.Set("OpenStack-API-Version", tc.header)
		}
		v, status, _ := parseVersion(h)
		if v != tc.want || status != tc.status {
			t.Errorf("%q: got %v/%d, want %v/%d", tc.header, v, status, tc.want, tc.status)
		}
	}
	h := http.Header{"X-Openstack-Nova-Api-Version": {"2.42"}}
	if v, _, _ := parseVersion(h); v != 42 {
		t.Errorf("legacy header: got %v", v)
	}
}

func TestSSHKeys(t *testing.T) {
	// The public key and fingerprint of nova's keypair api sample.
	const key = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDx8nkQv/zgGgB4rMYmIf+6A4l6Rr+o/6lHBQdW5aYd44bd8JttDCE/F/pNRr0lRE+PiqSPO8nDPHw0010JeMH9gYgnnFlyY3/OcJ02RhIPyyxYpv9FhY+2YiUkpwFOcLImyrxEsYXpD/0d3ac30bNH6Sw9JD9UZHYcpSxsIbECHw== Generated-by-Nova"
	if fp, err := sshFingerprint(key); err != nil || fp != "1e:2c:9b:56:79:4b:45:77:f9:ca:7a:98:2c:b0:d5:3c" {
		t.Errorf("fingerprint %q %v", fp, err)
	}
	for _, bad := range []string{"", "ssh-rsa", "ssh-rsa !!!", "ssh-ed25519 " + key[8:]} {
		if _, err := sshFingerprint(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	pub, priv, err := generateSSHKey("Generated-by-Nova")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sshFingerprint(pub); err != nil {
		t.Errorf("generated public key: %v", err)
	}
	body := strings.TrimSuffix(strings.TrimPrefix(priv, "-----BEGIN OPENSSH PRIVATE KEY-----\n"), "-----END OPENSSH PRIVATE KEY-----\n")
	raw, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(body, "\n", ""))
	if err != nil || !bytes.HasPrefix(raw, []byte("openssh-key-v1\x00")) {
		t.Fatalf("private key is not openssh-key-v1: %v", err)
	}
	blob, _ := base64.StdEncoding.DecodeString(strings.Fields(pub)[1])
	if !bytes.Contains(raw, blob) {
		t.Error("private key does not carry its public key")
	}
}

func TestPortCreateError(t *testing.T) {
	req := netSpec{UUID: "net-1", FixedIP: "10.0.0.5"}
	for _, tc := range []struct {
		err    error
		status int
		msg    string
	}{
		{nErr(403, "ExternalNetworkAttachForbidden", "It is not allowed to create an interface on external network x"), 403, "It is not allowed to create an interface on external network x"},
		{nErr(403, "PolicyNotAuthorized", "rule:create_port is disallowed by policy"), 403, "rule:create_port is disallowed by policy"},
		{nErr(409, "MacAddressInUse", "The mac address is in use."), 409, "The mac address is in use."},
		{nErr(409, "OverQuota", "Quota exceeded for resources: ['port']."), 403, errPortQuota},
		{nErr(409, "IpAddressAlreadyAllocated", "taken"), 400, "Fixed IP address 10.0.0.5 is already in use on instance srv."},
		{nErr(404, "NetworkNotFound", "gone"), 400, "Network net-1 could not be found."},
		{nErr(404, "SubnetNotFound", "Subnet s could not be found."), 400, "Subnet s could not be found."},
		{nErr(400, "InvalidIpForNetwork", "bad"), 400, "Invalid input received: Fixed IP 10.0.0.5 is not a valid ip address for network net-1."},
		{nErr(400, "InvalidInput", "Invalid input for operation: x."), 400, "Invalid input received: Invalid input for operation: x."},
		{nErr(503, "ServiceUnavailable", "down"), 500, "Unexpected API Error."},
	} {
		got := portCreateError(tc.err, "srv", req)
		if got.Status != tc.status || !strings.HasPrefix(got.Message, tc.msg) {
			t.Errorf("%v: got %d %q, want %d %q", tc.err, got.Status, got.Message, tc.status, tc.msg)
		}
	}
}

// nErr is a refusal of Neutron.
func nErr(status int, typ, msg string) *core.APIError {
	return &core.APIError{Status: status, Type: typ, Message: msg}
}
