// Package identity is the simulator's Keystone v3 room: projects, users,
// application credentials, tokens and the service catalog.
package identity

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// Room is Keystone v3 under /identity.
type Room struct {
	c        *core.Cloud
	domainID string
	projects map[string]*project            // by ID
	users    map[string]*user               // by ID
	appCreds map[string]*appCred            // by ID
	ec2      map[string]*core.EC2Credential // by access key
	// ec2Issued are the secrets of every EC2 credential made, deleted
	// ones included: what a test looks for in what the client wrote.
	ec2Issued []string
	tokens    map[string]*token // by token ID
}

type token = core.Token

type project struct {
	ID, Name string
}

type user struct {
	ID, Name, Password, ProjectID string
}

type appCred struct {
	ID, Name, Secret, UserID, ProjectID string
}

// New makes the identity room of a cloud.
func New(c *core.Cloud) *Room {
	return &Room{
		c:        c,
		domainID: "default",
		projects: map[string]*project{},
		users:    map[string]*user{},
		appCreds: map[string]*appCred{},
		ec2:      map[string]*core.EC2Credential{},
		tokens:   map[string]*token{},
	}
}

// Prefix is the room's path prefix.
func (s *Room) Prefix() string { return "identity" }

// Style is Keystone's error style.
func (s *Room) Style() core.ErrorStyle { return core.KeystoneErrors }

// SeedLocked creates the cloud's projects, their users and application
// credentials.
func (s *Room) SeedLocked() error {
	for _, p := range s.c.Projects() {
		if err := s.addProjectLocked(p); err != nil {
			return err
		}
	}
	return nil
}

func (s *Room) addProjectLocked(p core.ProjectSpec) error {
	if p.Name == "" || p.User == "" || p.Password == "" {
		return fmt.Errorf("project %q: name, user and password are required", p.Name)
	}
	pr := &project{ID: core.NewHexID(), Name: p.Name}
	u := &user{ID: core.NewHexID(), Name: p.User, Password: p.Password, ProjectID: pr.ID}
	s.projects[pr.ID] = pr
	s.users[u.ID] = u
	s.c.SetQuotaLocked(pr.ID, s.c.Profile().FilledQuotas())
	if p.AppCredName != "" {
		ac := &appCred{ID: core.NewHexID(), Name: p.AppCredName, Secret: p.AppCredSecret, UserID: u.ID, ProjectID: pr.ID}
		s.appCreds[ac.ID] = ac
	}
	return nil
}

// ProjectIDLocked returns the ID of the named project, or "".
func (s *Room) ProjectIDLocked(name string) string {
	if p := s.projectByName(name); p != nil {
		return p.ID
	}
	return ""
}

// AppCredentialIDLocked returns the ID of the named application credential.
func (s *Room) AppCredentialIDLocked(name string) string {
	for _, ac := range s.appCreds {
		if ac.Name == name {
			return ac.ID
		}
	}
	return ""
}

// UserOfProjectLocked is the user that works in a project (the one Nova
// acts for when it creates volumes).
func (s *Room) UserOfProjectLocked(projectID string) string {
	for _, u := range s.users {
		if u.ProjectID == projectID {
			return u.ID
		}
	}
	return ""
}

func (s *Room) projectByName(name string) *project {
	for _, p := range s.projects {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Routes registers Keystone's handlers.
func (s *Room) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /identity", s.versions)
	mux.HandleFunc("GET /identity/", s.versions)
	mux.HandleFunc("GET /identity/v3", s.version)
	mux.HandleFunc("GET /identity/v3/", s.version)
	mux.HandleFunc("POST /identity/v3/auth/tokens", s.issueToken)
	mux.HandleFunc("GET /identity/v3/auth/tokens", s.c.Authed(core.KeystoneErrors, s.checkToken))
	mux.HandleFunc("HEAD /identity/v3/auth/tokens", s.c.Authed(core.KeystoneErrors, s.checkToken))
	mux.HandleFunc("DELETE /identity/v3/auth/tokens", s.c.Authed(core.KeystoneErrors, s.revokeToken))
	mux.HandleFunc("GET /identity/v3/auth/catalog", s.c.Authed(core.KeystoneErrors, s.getCatalog))
	mux.HandleFunc("GET /identity/v3/auth/projects", s.c.Authed(core.KeystoneErrors, s.listAuthProjects))
	mux.HandleFunc("GET /identity/v3/projects", s.c.Authed(core.KeystoneErrors, s.listProjects))
	mux.HandleFunc("GET /identity/v3/projects/{id}", s.c.Authed(core.KeystoneErrors, s.getProject))
	mux.HandleFunc("GET /identity/v3/users/{id}", s.c.Authed(core.KeystoneErrors, s.getUser))
	mux.HandleFunc("POST /identity/v3/users/{id}/credentials/OS-EC2", s.c.Authed(core.KeystoneErrors, s.createEC2))
	mux.HandleFunc("GET /identity/v3/users/{id}/credentials/OS-EC2", s.c.Authed(core.KeystoneErrors, s.listEC2))
	mux.HandleFunc("GET /identity/v3/users/{id}/credentials/OS-EC2/{access}", s.c.Authed(core.KeystoneErrors, s.getEC2))
	mux.HandleFunc("DELETE /identity/v3/users/{id}/credentials/OS-EC2/{access}", s.c.Authed(core.KeystoneErrors, s.deleteEC2))
}

func (s *Room) versionDoc() map[string]any {
	return map[string]any{
		"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
		"links": []map[string]string{{"rel": "self", "href": s.c.AuthURL() + "/"}},
		"media-types": []map[string]string{{
			"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}},
	}
}

func (s *Room) versions(w http.ResponseWriter, r *http.Request) {
	core.WriteJSON(w, http.StatusMultipleChoices, map[string]any{
		"versions": map[string]any{"values": []any{s.versionDoc()}}})
}

func (s *Room) version(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/identity/v3" && r.URL.Path != "/identity/v3/" {
		core.KeystoneErrors.Write(w, http.StatusNotFound, "The resource could not be found.")
		return
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"version": s.versionDoc()})
}

// authRequest is the body of POST /v3/auth/tokens.
type authRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password *struct {
				User struct {
					ID       string      `json:"id"`
					Name     string      `json:"name"`
					Password string      `json:"password"`
					Domain   *domainWant `json:"domain"`
				} `json:"user"`
			} `json:"password"`
			ApplicationCredential *struct {
				ID     string `json:"id"`
				Name   string `json:"name"`
				Secret string `json:"secret"`
				User   *struct {
					ID   string `json:"id"`
					Name string `json:"name"`
				} `json:"user"`
			} `json:"application_credential"`
			Token *struct {
				ID string `json:"id"`
			} `json:"token"`
		} `json:"identity"`
		Scope *struct {
			Project *struct {
				ID     string      `json:"id"`
				Name   string      `json:"name"`
				Domain *domainWant `json:"domain"`
			} `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

type domainWant struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (s *Room) issueToken(w http.ResponseWriter, r *http.Request) {
	var req authRequest
	if !core.ReadJSON(w, r, core.KeystoneErrors, &req) {
		return
	}
	s.c.Lock()
	defer s.c.Unlock()
	tok, status, msg := s.authenticateLocked(&req)
	if tok == nil {
		core.KeystoneErrors.Write(w, status, msg)
		return
	}
	s.tokens[tok.ID] = tok
	w.Header().Set("X-Subject-Token", tok.ID)
	core.WriteJSON(w, http.StatusCreated, map[string]any{"token": s.tokenBodyLocked(tok)})
}

const unauthorized = "The request you have made requires authentication."

// authenticateLocked checks the credentials and scope of an auth request
// and returns the new token, or a status and message.
func (s *Room) authenticateLocked(req *authRequest) (*token, int, string) {
	id := req.Auth.Identity
	var u *user
	var methods []string
	var ac *appCred
	switch {
	case id.Password != nil:
		u = s.findUserLocked(id.Password.User.ID, id.Password.User.Name)
		if u == nil || subtle.ConstantTimeCompare([]byte(u.Password), []byte(id.Password.User.Password)) != 1 {
			return nil, http.StatusUnauthorized, unauthorized
		}
		methods = []string{"password"}
	case id.ApplicationCredential != nil:
		ac = s.findAppCredLocked(id.ApplicationCredential.ID, id.ApplicationCredential.Name)
		if ac == nil || subtle.ConstantTimeCompare([]byte(ac.Secret), []byte(id.ApplicationCredential.Secret)) != 1 {
			return nil, http.StatusUnauthorized, unauthorized
		}
		u = s.users[ac.UserID]
		methods = []string{"application_credential"}
	case id.Token != nil:
		old := s.validateLocked(id.Token.ID)
		if old == nil {
			return nil, http.StatusUnauthorized, unauthorized
		}
		u = s.users[old.UserID]
		methods = []string{"token"}
	default:
		return nil, http.StatusBadRequest, "Expecting to find identity in auth. The server could not comply with the request since it is either malformed or otherwise incorrect."
	}
	pr := s.projects[u.ProjectID]
	if ac != nil {
		pr = s.projects[ac.ProjectID]
	} else if sc := req.Auth.Scope; sc != nil && sc.Project != nil {
		want := s.scopeProjectLocked(sc.Project.ID, sc.Project.Name)
		if want == nil || want.ID != u.ProjectID {
			return nil, http.StatusUnauthorized, "You are not authorized to perform the requested action: the user has no role on the requested project."
		}
	}
	t := time.Now().UTC().Truncate(time.Second) // wall clock: tokens live on it, clients judge expires_at by theirs
	return &token{
		ID: "gAAAAA" + core.NewHexID() + core.NewHexID(), UserID: u.ID, UserName: u.Name,
		ProjectID: pr.ID, ProjectName: pr.Name, Methods: methods,
		IssuedAt: t, ExpiresAt: time.Now().Add(s.c.Faults().TokenTTL()), // wall clock: clients judge expiry by theirs
		AppCredID: func() string {
			if ac != nil {
				return ac.ID
			}
			return ""
		}(),
	}, 0, ""
}

func (s *Room) findUserLocked(id, name string) *user {
	for _, u := range s.users {
		if (id != "" && u.ID == id) || (id == "" && u.Name == name) {
			return u
		}
	}
	return nil
}

func (s *Room) findAppCredLocked(id, name string) *appCred {
	for _, ac := range s.appCreds {
		if (id != "" && ac.ID == id) || (id == "" && ac.Name == name) {
			return ac
		}
	}
	return nil
}

func (s *Room) scopeProjectLocked(id, name string) *project {
	if id != "" {
		return s.projects[id]
	}
	return s.projectByName(name)
}

// validate returns the token with the given ID if it exists and has not
// expired.
// Validate returns the valid, unexpired token with the given ID, or nil.
func (s *Room) Validate(id string) *token {
	s.c.Lock()
	defer s.c.Unlock()
	return s.validateLocked(id)
}

func (s *Room) validateLocked(id string) *token {
	t := s.tokens[id]
	if t == nil {
		return nil
	}
	if time.Now().After(t.ExpiresAt) { // wall clock: as issued
		delete(s.tokens, id)
		return nil
	}
	return t
}

func (s *Room) tokenBodyLocked(t *token) map[string]any {
	body := map[string]any{
		"methods":    t.Methods,
		"user":       map[string]any{"id": t.UserID, "name": t.UserName, "domain": s.domainDoc(), "password_expires_at": nil},
		"project":    map[string]any{"id": t.ProjectID, "name": t.ProjectName, "domain": s.domainDoc()},
		"roles":      []map[string]string{{"id": "9fe2ff9ee4384b1894a90878d3e92bab", "name": "member"}, {"id": "3a2d2e7c0ba24d5f9d1a8b0a6a2c2f11", "name": "reader"}},
		"catalog":    s.catalog(t.ProjectID),
		"issued_at":  t.IssuedAt.Format("2006-01-02T15:04:05.000000Z"),
		"expires_at": t.ExpiresAt.UTC().Format("2006-01-02T15:04:05.000000Z"),
		"audit_ids":  []string{core.NewHexID()[:22]},
		"is_domain":  false,
	}
	if t.AppCredID != "" {
		body["application_credential"] = map[string]any{"id": t.AppCredID, "restricted": true}
	}
	return body
}

func (s *Room) domainDoc() map[string]string {
	return map[string]string{"id": s.domainID, "name": "Default"}
}

// catalogEntries lists the services of the cloud: type, name and the path
// under the cloud's base URL.
var catalogEntries = []struct{ typ, name, path string }{
	{"identity", "keystone", "/identity/v3"},
	{"compute", "nova", "/compute/v2.1"},
	{"image", "glance", "/image"},
	{"volumev3", "cinderv3", "/volume/v3/%(project_id)s"},
	{"block-storage", "cinder", "/volume/v3/%(project_id)s"},
	{"network", "neutron", "/network"},
	{"load-balancer", "octavia", "/load-balancer"},
	{"placement", "placement", "/placement"},
	{"object-store", "swift", "/swift/v1/AUTH_%(project_id)s"},
	{"object-store-s3", "s3", "/s3"},
}

// catalog is the service catalog as Keystone renders it for a token of
// the project: %(project_id)s in endpoint URLs is substituted.
func (s *Room) catalog(projectID string) []map[string]any {
	out := make([]map[string]any, 0, len(catalogEntries))
	region := s.c.Profile().Region
	for i, e := range catalogEntries {
		var eps []map[string]string
		for j, iface := range []string{"public", "internal", "admin"} {
			eps = append(eps, map[string]string{
				"id": fmt.Sprintf("%032x", i*3+j+1), "interface": iface,
				"region": region, "region_id": region, "url": s.c.URL() + strings.ReplaceAll(e.path, "%(project_id)s", projectID),
			})
		}
		out = append(out, map[string]any{"id": fmt.Sprintf("%032x", 100+i), "type": e.typ, "name": e.name, "endpoints": eps})
	}
	return out
}

func (s *Room) checkToken(w http.ResponseWriter, r *http.Request, _ *token) {
	s.c.Lock()
	defer s.c.Unlock()
	subject := s.validateLocked(r.Header.Get("X-Subject-Token"))
	if subject == nil {
		core.KeystoneErrors.Write(w, http.StatusNotFound, "Could not find token.")
		return
	}
	w.Header().Set("X-Subject-Token", subject.ID)
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"token": s.tokenBodyLocked(subject)})
}

func (s *Room) revokeToken(w http.ResponseWriter, r *http.Request, _ *token) {
	s.c.Lock()
	defer s.c.Unlock()
	if s.validateLocked(r.Header.Get("X-Subject-Token")) == nil {
		core.KeystoneErrors.Write(w, http.StatusNotFound, "Could not find token.")
		return
	}
	delete(s.tokens, r.Header.Get("X-Subject-Token"))
	w.WriteHeader(http.StatusNoContent)
}

func (s *Room) getCatalog(w http.ResponseWriter, r *http.Request, tok *token) {
	core.WriteJSON(w, http.StatusOK, map[string]any{"catalog": s.catalog(tok.ProjectID),
		"links": map[string]any{"self": s.c.AuthURL() + "/auth/catalog", "previous": nil, "next": nil}})
}

func (s *Room) projectDoc(p *project) map[string]any {
	return map[string]any{"id": p.ID, "name": p.Name, "domain_id": s.domainID, "enabled": true,
		"description": "", "is_domain": false, "parent_id": s.domainID, "tags": []string{},
		"links": map[string]string{"self": s.c.AuthURL() + "/projects/" + p.ID}}
}

func (s *Room) listAuthProjects(w http.ResponseWriter, r *http.Request, tok *token) {
	s.c.Lock()
	defer s.c.Unlock()
	core.WriteJSON(w, http.StatusOK, map[string]any{"projects": []any{s.projectDoc(s.projects[tok.ProjectID])},
		"links": map[string]any{"self": s.c.AuthURL() + "/auth/projects", "previous": nil, "next": nil}})
}

// listProjects answers as Keystone does for a non-admin user: only the
// caller's own project is visible.
func (s *Room) listProjects(w http.ResponseWriter, r *http.Request, tok *token) {
	s.c.Lock()
	defer s.c.Unlock()
	var out []any
	p := s.projects[tok.ProjectID]
	if name := r.URL.Query().Get("name"); name == "" || name == p.Name {
		out = append(out, s.projectDoc(p))
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"projects": core.OrEmpty(out),
		"links": map[string]any{"self": s.c.AuthURL() + "/projects", "previous": nil, "next": nil}})
}

func (s *Room) getProject(w http.ResponseWriter, r *http.Request, tok *token) {
	s.c.Lock()
	defer s.c.Unlock()
	id := r.PathValue("id")
	p := s.projects[id]
	if p == nil {
		p = s.projectByName(id)
	}
	if p == nil || p.ID != tok.ProjectID {
		core.KeystoneErrors.Write(w, http.StatusNotFound, "Could not find project: "+id+".")
		return
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"project": s.projectDoc(p)})
}

func (s *Room) getUser(w http.ResponseWriter, r *http.Request, tok *token) {
	s.c.Lock()
	defer s.c.Unlock()
	u := s.users[r.PathValue("id")]
	if u == nil || u.ID != tok.UserID {
		core.KeystoneErrors.Write(w, http.StatusNotFound, "Could not find user: "+r.PathValue("id")+".")
		return
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"user": map[string]any{"id": u.ID, "name": u.Name,
		"domain_id": s.domainID, "enabled": true, "password_expires_at": nil,
		"links": map[string]string{"self": s.c.AuthURL() + "/users/" + u.ID}}})
}
