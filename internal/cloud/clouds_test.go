package cloud

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/scs-migrate/scs-migrate/internal/sim"
)

// TestCloudsYAMLErrors feeds resolve malformed clouds.yaml files: each
// fails before any network call with an error that names the file (or
// the cloud) and the problem, and none echoes a secret.
func TestCloudsYAMLErrors(t *testing.T) {
	dir := cleanEnv(t)
	writeFile(t, dir, "not-pem.pem", "this is not a certificate\n")
	const auth = "    auth:\n      auth_url: https://keystone.example/v3\n      username: u\n      password: " + secret + "\n      project_name: p\n"
	for _, c := range []struct {
		name, content string
		want          string // %F is the file's path, %D the directory
	}{
		{"no-such-cloud", "clouds:\n  other:\n" + auth,
			`cloud "x" in %F: cloud "x" not found in clouds.yaml`},
		{"no-auth-url", "clouds:\n  x:\n    auth:\n      username: u\n      password: " + secret + "\n",
			`cloud "x" in %F: auth.auth_url is missing`},
		{"tab-indent", "clouds:\n\tx:\n" + auth,
			`read %F: not valid clouds.yaml: yaml: line 2: found character that cannot start any token`},
		{"binary", "\x00\x01\x02clouds",
			`read %F: not valid clouds.yaml: yaml: control characters are not allowed`},
		{"clouds-list", "clouds:\n  - x\n",
			"read %F: not valid clouds.yaml: yaml: unmarshal errors:\n  line 2: cannot unmarshal !!seq into map[string]clouds.Cloud"},
		{"password-list", "clouds:\n  x:\n    auth:\n      auth_url: https://k/v3\n      password: [" + secret + "]\n",
			"read %F: not valid clouds.yaml: yaml: unmarshal errors:\n  line 5: cannot unmarshal !!seq into string"},
		{"cacert-missing", "clouds:\n  x:\n    cacert: %D/nope.pem\n" + auth,
			`cloud "x" in %F: unable to compute TLS configuration: failed to open the CA cert file: open %D/nope.pem: no such file or directory`},
		{"cacert-not-pem", "clouds:\n  x:\n    cacert: %D/not-pem.pem\n" + auth,
			`cloud "x" in %F: unable to compute TLS configuration: failed to parse the CA Cert from "%D/not-pem.pem"`},
		{"cert-without-key", "clouds:\n  x:\n    cert: %D/client.pem\n" + auth,
			`cloud "x" in %F: unable to compute TLS configuration: client cert is set, but client cert key is missing`},
		{"system-scope", "clouds:\n  x:\n    auth:\n      auth_url: https://k/v3\n      system_scope: project\n",
			`cloud "x" in %F: only system scope of all is supported`},
		{"empty", "",
			`read %F: the file is empty`},
	} {
		t.Run(c.name, func(t *testing.T) {
			file := writeFile(t, dir, c.name+".yaml", strings.ReplaceAll(c.content, "%D", dir))
			_, _, _, err := resolve("x", Options{CloudsFile: file})
			want := strings.NewReplacer("%F", file, "%D", dir).Replace(c.want)
			if err == nil || err.Error() != want {
				t.Errorf("error\n  %v\nwant\n  %s", err, want)
			}
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}

// secret is the password of the malformed files above.
const secret = "pw-Zq8-distinctive-0451"

func TestCloudsYAMLMissingFile(t *testing.T) {
	dir := cleanEnv(t)
	file := filepath.Join(dir, "missing.yaml")
	_, _, _, err := resolve("x", Options{CloudsFile: file})
	want := `cloud "x": clouds.yaml file not found. Search locations were: [` + file + `]`
	if err == nil || err.Error() != want {
		t.Errorf("error\n  %v\nwant\n  %s", err, want)
	}
}

func TestNoCloudGiven(t *testing.T) {
	cleanEnv(t)
	if _, err := Open(testContext(t), "", Options{}); !errors.Is(err, ErrNoCloud) {
		t.Errorf("got %v, want ErrNoCloud", err)
	}
}

// TestOpenPasswordAndApplicationCredential opens the same project with
// both kinds of credentials from one clouds.yaml.
func TestOpenPasswordAndApplicationCredential(t *testing.T) {
	dir := cleanEnv(t)
	c := newSim(t, sim.Options{Projects: []sim.ProjectSpec{testProject}})
	file := writeClouds(t, dir,
		sim.CloudEntry{Name: "pw", Cloud: c, Project: testProject},
		sim.CloudEntry{Name: "ac", Cloud: c, Project: testProject, AppCred: true})
	for _, name := range []string{"pw", "ac"} {
		s, err := Open(testContext(t), name, Options{CloudsFile: file})
		if err != nil {
			t.Fatalf("open %s: %v", name, err)
		}
		if s.ProjectID != c.ProjectID("tenant") || s.Compute == nil || s.Image == nil || s.Network == nil {
			t.Errorf("%s: project %q, services %v", name, s.ProjectID, s.Services)
		}
	}
}

// TestWrongCredentialsAreNotShown opens with a wrong password, a wrong
// application credential secret and a project the user has no role on:
// each fails, naming the cloud and Keystone's reason, never the secret.
func TestWrongCredentialsAreNotShown(t *testing.T) {
	dir := cleanEnv(t)
	c := newSim(t, sim.Options{Projects: []sim.ProjectSpec{testProject}})
	wrongPW, wrongAC, wrongProject := testProject, testProject, testProject
	wrongPW.Password = "wrong-pw-Zq8-distinctive"
	wrongAC.AppCredSecret = "wrong-ac-Kx3-distinctive"
	wrongProject.Name = "someone-elses"
	file := writeClouds(t, dir,
		sim.CloudEntry{Name: "pw", Cloud: c, Project: wrongPW},
		sim.CloudEntry{Name: "ac", Cloud: c, Project: wrongAC, AppCred: true},
		sim.CloudEntry{Name: "project", Cloud: c, Project: wrongProject})
	for name, want := range map[string]string{
		"pw":      "The request you have made requires authentication.",
		"ac":      "The request you have made requires authentication.",
		"project": "the user has no role on the requested project",
	} {
		_, err := Open(testContext(t), name, Options{CloudsFile: file})
		if err == nil {
			t.Fatalf("%s: opened with wrong credentials", name)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, `authenticate to cloud "`+name+`" (`+c.AuthURL()+`): `) || !strings.Contains(msg, want) {
			t.Errorf("%s: %v\nwant the cloud, its URL and %q", name, err, want)
		}
		for _, s := range []string{wrongPW.Password, wrongAC.AppCredSecret, testProject.Password, testProject.AppCredSecret} {
			if strings.Contains(msg, s) {
				t.Errorf("%s: the error shows a secret: %v", name, err)
			}
		}
	}
}

// TestOpenFromEnvironment selects the cloud the ways OpenStack users do:
// OS_CLIENT_CONFIG_FILE with OS_CLOUD, and OS_* variables alone.
func TestOpenFromEnvironment(t *testing.T) {
	dir := cleanEnv(t)
	c := newSim(t, sim.Options{Projects: []sim.ProjectSpec{testProject}})
	file := writeClouds(t, dir, sim.CloudEntry{Name: "from-env", Cloud: c, Project: testProject})
	t.Setenv("OS_CLIENT_CONFIG_FILE", file)
	t.Setenv("OS_CLOUD", "from-env")
	s, err := Open(testContext(t), "", Options{})
	if err != nil || s.ProjectID != c.ProjectID("tenant") {
		t.Fatalf("OS_CLOUD: %v", err)
	}
	t.Setenv("OS_CLOUD", "")
	t.Setenv("OS_CLIENT_CONFIG_FILE", "")
	for k, v := range map[string]string{"OS_AUTH_URL": c.AuthURL(), "OS_USERNAME": testProject.User,
		"OS_PASSWORD": testProject.Password, "OS_PROJECT_NAME": testProject.Name, "OS_USER_DOMAIN_NAME": "Default",
		"OS_PROJECT_DOMAIN_NAME": "Default", "OS_DOMAIN_NAME": "Default"} {
		t.Setenv(k, v)
	}
	s, err = Open(testContext(t), "", Options{})
	if err != nil || s.ProjectID != c.ProjectID("tenant") {
		t.Fatalf("OS_* variables: %v", err)
	}
}

// TestSecureYAMLBesideClouds keeps the password in secure.yaml next to
// clouds.yaml, as python-openstackclient allows.
func TestSecureYAMLBesideClouds(t *testing.T) {
	dir := cleanEnv(t)
	c := newSim(t, sim.Options{Projects: []sim.ProjectSpec{testProject}})
	file := writeClouds(t, dir, sim.CloudEntry{Name: "split", Cloud: c, Project: testProject})
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Clouds map[string]map[string]any `json:"clouds"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	auth, _ := doc.Clouds["split"]["auth"].(map[string]any)
	if auth["password"] != testProject.Password {
		t.Fatalf("the written clouds.yaml has no password for split: %s", b)
	}
	delete(auth, "password")
	public, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "clouds.yaml", string(public))
	writeFile(t, dir, "secure.yaml", "clouds:\n  split:\n    auth:\n      password: \""+testProject.Password+"\"\n")
	if _, err := Open(testContext(t), "split", Options{CloudsFile: file}); err != nil {
		t.Fatalf("open with the password in secure.yaml: %v", err)
	}
}

// TestCloudWithoutAuthFailsCleanly is a cloud entry whose auth section
// is missing, as when it is indented one level too little: gophercloud's
// clouds.Parse dereferences the missing section (FuzzCloudsYAML found
// the crash), so resolve must catch it and say what is wrong.
func TestCloudWithoutAuthFailsCleanly(t *testing.T) {
	dir := cleanEnv(t)
	for name, content := range map[string]string{
		"empty-entry":    "clouds:\n  x:\n",
		"auth-outdented": "clouds:\n  x:\n    region_name: RegionOne\n  auth:\n    auth_url: https://k.example/v3\n",
	} {
		t.Run(name, func(t *testing.T) {
			file := writeFile(t, dir, name+".yaml", content)
			_, err := resolveOrFail(t, "x", file)
			if err == nil || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), "auth") {
				t.Errorf("got %v, want an error naming %s and the missing auth section", err, file)
			}
		})
	}
}
