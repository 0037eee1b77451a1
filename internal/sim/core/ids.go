package core

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// NewID returns a random UUID in the canonical 8-4-4-4-12 form.
func NewID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// NewHexID returns a 32-digit hex identifier as Keystone uses for
// projects, users and application credentials.
func NewHexID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// NewMAC returns a locally administered unicast MAC address with the
// fa:16:3e prefix Neutron uses by default.
func NewMAC() string {
	var b [3]byte
	rand.Read(b[:])
	return fmt.Sprintf("fa:16:3e:%02x:%02x:%02x", b[0], b[1], b[2])
}
