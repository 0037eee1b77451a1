package sim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"time"
)

// serveTLS serves the cloud over HTTPS on ln with a certificate signed
// by a CA made in memory for this cloud alone, as a private cloud with
// its own CA does: clients must be given that CA (CACertPEM) or be told
// not to verify.
func (c *Cloud) serveTLS(ln net.Listener) error {
	ca, cert, err := newCertificates(ln.Addr())
	if err != nil {
		ln.Close()
		return fmt.Errorf("make the TLS certificate: %w", err)
	}
	c.caPEM = ca
	c.SetURL("https://" + ln.Addr().String())
	c.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	// Clients that reject the certificate make the server log a handshake
	// error per attempt; that is the expected outcome, not news.
	c.srv.ErrorLog = log.New(io.Discard, "", 0)
	go c.srv.ServeTLS(ln, "", "")
	return nil
}

// CACertPEM is the PEM of the CA that signed the certificate of a cloud
// started with Options.TLS (what clouds.yaml's cacert points at), or nil
// for a cloud that serves plain HTTP.
func (c *Cloud) CACertPEM() []byte { return c.caPEM }

// newCertificates makes a CA and a server certificate for addr (and
// localhost), both ECDSA P-256, valid for a day.
func newCertificates(addr net.Addr) (caPEM []byte, cert tls.Certificate, err error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, cert, err
	}
	now := time.Now() // wall clock: clients check certificates by theirs
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "scs-migrate simulator CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, cert, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, cert, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, cert, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "scs-migrate simulator"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if tcp, ok := addr.(*net.TCPAddr); ok && !tcp.IP.IsUnspecified() {
		tmpl.IPAddresses = append(tmpl.IPAddresses, tcp.IP)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, cert, err
	}
	cert = tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), cert, nil
}
