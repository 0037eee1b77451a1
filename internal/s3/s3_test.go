package s3_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/s3"
	"github.com/scs-migrate/scs-migrate/internal/sim"
)

func TestSecretNeverPrints(t *testing.T) {
	const raw = "sk-9f2c7a41-never-print-me"
	sec := s3.Secret(raw)
	o := s3.Options{AccessKey: "AK", SecretKey: sec}
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{fmt.Sprint(sec), fmt.Sprintf("%v %+v %#v %s %q", o, o, o, sec, sec), string(b), fmt.Errorf("open: %v", o).Error()} {
		if strings.Contains(out, raw) {
			t.Errorf("the secret shows in %q", out)
		}
	}
	if sec.Reveal() != raw {
		t.Error("Reveal does not give the secret back")
	}
}

// cloudSession is a session to a simulated cloud's first project.
func cloudSession(t *testing.T) (*sim.Cloud, *cloud.Session) {
	t.Helper()
	c, err := sim.New(sim.Options{Profile: sim.SourceProfile()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	file := t.TempDir() + "/clouds.yaml"
	if err := sim.WriteCloudsYAML(file, []sim.CloudEntry{{Name: "c", Cloud: c, Project: c.Projects()[0]}}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	s, err := cloud.Open(ctx, "c", cloud.Options{CloudsFile: file})
	if err != nil {
		t.Fatal(err)
	}
	return c, s
}

func TestOpenMintsAndCloseRevokes(t *testing.T) {
	c, s := cloudSession(t)
	ctx := context.Background()
	cl, err := s3.Open(ctx, s, s3.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !cl.Minted || c.EC2Credentials() != 1 {
		t.Fatalf("minted %v, %d credentials", cl.Minted, c.EC2Credentials())
	}
	if _, err := cl.Buckets(ctx); err != nil {
		t.Fatalf("the minted credentials do not work: %v", err)
	}
	if err := cl.Close(ctx); err != nil || c.EC2Credentials() != 0 {
		t.Fatalf("Close: %v, %d credentials left", err, c.EC2Credentials())
	}
	if err := cl.Close(ctx); err != nil {
		t.Fatalf("a second Close: %v", err)
	}
}

func TestOpenWithGivenCredentials(t *testing.T) {
	c, s := cloudSession(t)
	ctx := context.Background()
	access, secret, err := c.EC2Credential(c.Projects()[0].Name)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := s3.Open(ctx, s, s3.Options{AccessKey: access, SecretKey: s3.Secret(secret)})
	if err != nil {
		t.Fatal(err)
	}
	if cl.Minted {
		t.Error("given credentials were taken for minted ones")
	}
	cl.Close(ctx)
	if c.EC2Credentials() != 1 {
		t.Error("Close deleted the user's own credentials")
	}
	if _, err := s3.Open(ctx, s, s3.Options{AccessKey: access}); !errors.Is(err, s3.ErrHalfCredentials) {
		t.Errorf("an access key without its secret: %v", err)
	}
	bad, err := s3.Open(ctx, s, s3.Options{AccessKey: access, SecretKey: "wrong"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.Buckets(ctx)
	if code := s3.Code(err); code != "SignatureDoesNotMatch" || strings.Contains(err.Error(), secret) {
		t.Errorf("a wrong secret: %v (code %q)", err, code)
	}
}

func TestEndpointFromTheCatalog(t *testing.T) {
	c, s := cloudSession(t)
	got, err := s.S3Endpoint()
	if err != nil || got != "http://"+c.S3Host() {
		t.Errorf("S3Endpoint = %q, %v; want http://%s", got, err, c.S3Host())
	}
	for raw, want := range map[string]string{
		"https://objects.example.com:8443/s3": "https://objects.example.com:8443",
		"http://127.0.0.1:8080/v1/AUTH_x":     "http://127.0.0.1:8080",
	} {
		if got, err := cloud.S3Root(raw); err != nil || got != want {
			t.Errorf("S3Root(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
	if _, err := cloud.S3Root("objects.example.com"); err == nil {
		t.Error("a URL without a scheme was taken")
	}
}
