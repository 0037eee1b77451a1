package kubesim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/scs-migrate/scs-migrate/internal/clock"
	"github.com/scs-migrate/scs-migrate/internal/kube"
)

// Server is one simulated Kubernetes API server on loopback, with a
// self-signed certificate and one bearer token.
type Server struct {
	name  string
	store *store
	ln    net.Listener
	srv   *http.Server
	url   string
	token string
	ca    []byte // PEM of the self-signed serving certificate
}

// NewServer starts an empty API server (the four default namespaces
// exist) called name. Its objects' creation times come from clk (the
// system clock when nil).
func NewServer(name string, clk clock.Clock) (*Server, error) {
	cert, caPEM, err := selfSigned()
	if err != nil {
		return nil, fmt.Errorf("kubesim %s: certificate: %w", name, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("kubesim %s: %w", name, err)
	}
	s := &Server{name: name, store: newStore(clk), ln: ln, url: "https://" + ln.Addr().String(), token: randomHex(16), ca: caPEM}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0),
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
	go s.srv.ServeTLS(ln, "", "")
	return s, nil
}

// Name is the server's name.
func (s *Server) Name() string { return s.name }

// URL is the server's https URL.
func (s *Server) URL() string { return s.url }

// Close stops the server.
func (s *Server) Close() error {
	err := s.srv.Close()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Kubeconfig is a kubeconfig for the server whose context has the
// given namespace, as Cluster API writes into <cluster>-kubeconfig.
func (s *Server) Kubeconfig(namespace string) []byte {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[s.name] = &clientcmdapi.Cluster{Server: s.url, CertificateAuthorityData: s.ca}
	cfg.AuthInfos[s.name+"-admin"] = &clientcmdapi.AuthInfo{Token: s.token}
	cfg.Contexts[s.name] = &clientcmdapi.Context{Cluster: s.name, AuthInfo: s.name + "-admin", Namespace: namespace}
	cfg.CurrentContext = s.name
	b, err := clientcmd.Write(*cfg)
	if err != nil {
		panic(err) // a config built here always encodes
	}
	return b
}

// Clients are clients of the server with the given namespace.
func (s *Server) Clients(namespace string) (*kube.Clients, error) {
	cfg, _, err := kube.ConfigFromBytes(s.Kubeconfig(namespace), "")
	if err != nil {
		return nil, err
	}
	return kube.NewClients(cfg, namespace)
}

// selfSigned makes a serving certificate for 127.0.0.1 that is its own CA.
func selfSigned() (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: "kubesim"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), // wall clock: clients check certificates by theirs
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}
