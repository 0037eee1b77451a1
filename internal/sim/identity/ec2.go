package identity

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// EC2 credentials (OS-EC2): an access key and a secret for a user in a
// project, which S3 clients sign requests with. A user manages their
// own; Keystone answers another user's with 403 (policy
// ec2_*_credential: admin or owner).

// EC2CredentialLocked is the EC2 credential with the access key.
func (s *Room) EC2CredentialLocked(access string) (core.EC2Credential, bool) {
	c := s.ec2[access]
	if c == nil {
		return core.EC2Credential{}, false
	}
	out := *c
	u := s.users[c.UserID]
	out.Authorized = u != nil && u.ProjectID == c.ProjectID
	return out, true
}

// NewEC2CredentialLocked mints an EC2 credential for the user of a
// project (for fixtures and tests).
func (s *Room) NewEC2CredentialLocked(projectID string) core.EC2Credential {
	c := &core.EC2Credential{Access: core.NewHexID(), Secret: core.NewHexID(),
		UserID: s.UserOfProjectLocked(projectID), ProjectID: projectID}
	s.ec2[c.Access] = c
	s.ec2Issued = append(s.ec2Issued, c.Secret)
	return *c
}

func (s *Room) ec2Doc(c *core.EC2Credential) map[string]any {
	return map[string]any{"user_id": c.UserID, "tenant_id": c.ProjectID, "access": c.Access, "secret": c.Secret,
		"trust_id": nil, "links": map[string]string{"self": s.c.AuthURL() + "/users/" + c.UserID + "/credentials/OS-EC2/" + c.Access}}
}

// ec2User checks that the path's user is the caller.
func (s *Room) ec2User(w http.ResponseWriter, r *http.Request, tok *token, action string) bool {
	id := r.PathValue("id")
	if s.users[id] == nil {
		core.KeystoneErrors.Write(w, http.StatusNotFound, "Could not find user: "+id+".")
		return false
	}
	if id != tok.UserID {
		core.KeystoneErrors.Write(w, http.StatusForbidden, "You are not authorized to perform the requested action: identity:"+action+".")
		return false
	}
	return true
}

func (s *Room) createEC2(w http.ResponseWriter, r *http.Request, tok *token) {
	var req struct {
		TenantID string `json:"tenant_id"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.TenantID == "" {
		core.KeystoneErrors.Write(w, http.StatusBadRequest, "Invalid input for field 'tenant_id': 'tenant_id' is a required property")
		return
	}
	s.c.Lock()
	defer s.c.Unlock()
	if !s.ec2User(w, r, tok, "ec2_create_credential") {
		return
	}
	if s.projects[req.TenantID] == nil {
		core.KeystoneErrors.Write(w, http.StatusNotFound, "Could not find project: "+req.TenantID+".")
		return
	}
	// Keystone mints credentials for a project the user has no role on;
	// they fail when used (EC2CredentialLocked says so).
	c := &core.EC2Credential{Access: core.NewHexID(), Secret: core.NewHexID(), UserID: tok.UserID, ProjectID: req.TenantID}
	s.ec2[c.Access] = c
	s.ec2Issued = append(s.ec2Issued, c.Secret)
	core.WriteJSON(w, http.StatusCreated, map[string]any{"credential": s.ec2Doc(c)})
}

func (s *Room) listEC2(w http.ResponseWriter, r *http.Request, tok *token) {
	s.c.Lock()
	defer s.c.Unlock()
	if !s.ec2User(w, r, tok, "ec2_list_credentials") {
		return
	}
	out := []any{}
	for _, c := range s.ec2 {
		if c.UserID == tok.UserID {
			out = append(out, s.ec2Doc(c))
		}
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"credentials": out,
		"links": map[string]any{"self": s.c.AuthURL() + r.URL.Path[len("/identity/v3"):], "previous": nil, "next": nil}})
}

// ec2Find is the caller's credential the path names, or answers 404.
func (s *Room) ec2Find(w http.ResponseWriter, r *http.Request, tok *token, action string) *core.EC2Credential {
	if !s.ec2User(w, r, tok, action) {
		return nil
	}
	c := s.ec2[r.PathValue("access")]
	if c == nil || c.UserID != tok.UserID {
		// Keystone stores EC2 credentials under the SHA-256 of the access key.
		sum := sha256.Sum256([]byte(r.PathValue("access")))
		core.KeystoneErrors.Write(w, http.StatusNotFound, "Could not find credential: "+hex.EncodeToString(sum[:])+".")
		return nil
	}
	return c
}

func (s *Room) getEC2(w http.ResponseWriter, r *http.Request, tok *token) {
	s.c.Lock()
	defer s.c.Unlock()
	if c := s.ec2Find(w, r, tok, "ec2_get_credential"); c != nil {
		core.WriteJSON(w, http.StatusOK, map[string]any{"credential": s.ec2Doc(c)})
	}
}

func (s *Room) deleteEC2(w http.ResponseWriter, r *http.Request, tok *token) {
	s.c.Lock()
	defer s.c.Unlock()
	if c := s.ec2Find(w, r, tok, "ec2_delete_credential"); c != nil {
		delete(s.ec2, c.Access)
		w.WriteHeader(http.StatusNoContent)
	}
}

// IssuedEC2SecretsLocked are the secrets of every EC2 credential made
// since the cloud started, deleted ones included.
func (s *Room) IssuedEC2SecretsLocked() []string { return slices.Clone(s.ec2Issued) }

// EC2CredentialsLocked counts the EC2 credentials that exist now.
func (s *Room) EC2CredentialsLocked() int { return len(s.ec2) }
