package compute

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// keypair is a Nova keypair; keypairs belong to a user, not a project.
// A generated private key is returned once and never stored.
type keypair struct {
	ID                     int
	Name, UserID, Type     string
	PublicKey, Fingerprint string
	Created                time.Time
}

func keypairKey(userID, name string) string { return userID + "/" + name }

func (s *Room) routeKeypairs(mux *http.ServeMux) {
	s.handle(mux, "GET", "/os-keypairs", s.listKeypairs)
	s.handle(mux, "POST", "/os-keypairs", s.createKeypair)
	s.handle(mux, "GET", "/os-keypairs/{name}", s.getKeypair)
	s.handle(mux, "DELETE", "/os-keypairs/{name}", s.deleteKeypair)
}

// userKeypairsLocked lists the user's keypairs sorted by name.
func (s *Room) userKeypairsLocked(userID string) []*keypair {
	var out []*keypair
	for _, k := range s.keypairs {
		if k.UserID == userID {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, func(a, b *keypair) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// keypairBody is a keypair as lists and create show it.
func keypairBody(k *keypair, v microversion) map[string]any {
	b := map[string]any{"name": k.Name, "public_key": k.PublicKey, "fingerprint": k.Fingerprint}
	if v >= 2 {
		b["type"] = k.Type
	}
	return b
}

func (s *Room) listKeypairs(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	s.c.Lock()
	defer s.c.Unlock()
	items := s.userKeypairsLocked(tok.UserID)
	var links []map[string]string
	if v >= 35 {
		var ok bool
		items, links, ok = pageOf(w, r, s.c.URL(), "Marker %s could not be found.", items, func(k *keypair) string { return k.Name })
		if !ok {
			return
		}
	}
	out := make([]map[string]any, 0, len(items))
	for _, k := range items {
		out = append(out, map[string]any{"keypair": keypairBody(k, v)})
	}
	body := map[string]any{"keypairs": out}
	if links != nil {
		body["keypairs_links"] = links
	}
	core.WriteJSON(w, http.StatusOK, body)
}

type keypairRequest struct {
	Keypair *struct {
		Name      *string `json:"name"`
		PublicKey *string `json:"public_key"`
		Type      string  `json:"type"`
	} `json:"keypair"`
}

func (s *Room) createKeypair(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	var req keypairRequest
	if !core.ReadJSON(w, r, core.NovaErrors, &req) {
		return
	}
	k, msg := validateKeypairRequest(req, v)
	if msg != "" {
		core.NovaErrors.Write(w, http.StatusBadRequest, msg)
		return
	}
	var private string
	if k.PublicKey == "" {
		var err error
		if k.PublicKey, private, err = generateSSHKey("Generated-by-Nova"); err != nil {
			core.NovaErrors.Write(w, http.StatusInternalServerError, "Unexpected API Error: "+err.Error())
			return
		}
	}
	fp, err := keypairFingerprint(k.Type, k.PublicKey)
	if err != nil {
		core.NovaErrors.Write(w, http.StatusBadRequest, "Keypair data is invalid: "+err.Error())
		return
	}
	k.Fingerprint, k.UserID, k.Created = fp, tok.UserID, s.c.Now()
	s.c.Lock()
	defer s.c.Unlock()
	if status, msg := s.checkNewKeypairLocked(tok, k.Name); status != 0 {
		core.NovaErrors.Write(w, status, msg)
		return
	}
	s.seq++
	k.ID = s.seq
	s.keypairs[keypairKey(k.UserID, k.Name)] = k
	body := keypairBody(k, v)
	body["user_id"] = k.UserID
	if private != "" {
		body["private_key"] = private
	}
	status := http.StatusOK
	if v >= 2 {
		status = http.StatusCreated
	}
	core.WriteJSON(w, status, map[string]any{"keypair": body})
}

// validateKeypairRequest checks a create request as Nova's schema and
// keypair API do and returns the new keypair, or the 400 message.
func validateKeypairRequest(req keypairRequest, v microversion) (*keypair, string) {
	if req.Keypair == nil || req.Keypair.Name == nil {
		return nil, "Invalid input for field/attribute keypair. Value: None. 'name' is a required property"
	}
	k := &keypair{Name: *req.Keypair.Name, Type: cmp.Or(req.Keypair.Type, "ssh")}
	if req.Keypair.PublicKey != nil {
		k.PublicKey = *req.Keypair.PublicKey
	}
	switch {
	case k.Type != "ssh" && k.Type != "x509":
		return nil, fmt.Sprintf("Invalid input for field/attribute type. Value: %s. '%s' is not one of ['ssh', 'x509']", k.Type, k.Type)
	case v >= 92 && req.Keypair.PublicKey == nil:
		return nil, "Invalid input for field/attribute keypair. 'public_key' is a required property"
	case len(k.Name) == 0 || len(k.Name) > 255:
		return nil, "Keypair data is invalid: Keypair name must be string and between 1 and 255 characters long"
	case strings.Trim(k.Name, keypairNameChars(v)) != "":
		return nil, "Keypair data is invalid: Keypair name contains unsafe characters"
	case k.Type == "x509" && k.PublicKey == "":
		return nil, "Keypair data is invalid: failed to generate fingerprint"
	}
	return k, ""
}

// keypairNameChars are the characters a keypair name may hold; 2.92
// adds "@" and ".".
func keypairNameChars(v microversion) string {
	safe := "_- 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	if v >= 92 {
		safe += "@."
	}
	return safe
}

func keypairFingerprint(typ, publicKey string) (string, error) {
	if typ == "x509" {
		return x509Fingerprint(publicKey)
	}
	return sshFingerprint(publicKey)
}

// checkNewKeypairLocked enforces unique names and the key_pairs quota.
func (s *Room) checkNewKeypairLocked(tok *core.Token, name string) (int, string) {
	if _, dup := s.keypairs[keypairKey(tok.UserID, name)]; dup {
		return http.StatusConflict, fmt.Sprintf("Key pair '%s' already exists.", name)
	}
	if len(s.userKeypairsLocked(tok.UserID)) >= s.c.QuotaLocked(tok.ProjectID).KeyPairs {
		return http.StatusForbidden, "Quota exceeded, too many key pairs."
	}
	return 0, ""
}

// keypairLocked finds the caller's keypair, writing Nova's 404 if absent.
func (s *Room) keypairLocked(w http.ResponseWriter, tok *core.Token, name string) (*keypair, bool) {
	k, ok := s.keypairs[keypairKey(tok.UserID, name)]
	if !ok {
		core.NovaErrors.Write(w, http.StatusNotFound, fmt.Sprintf("Keypair %s not found for user %s", name, tok.UserID))
	}
	return k, ok
}

func (s *Room) getKeypair(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	s.c.Lock()
	defer s.c.Unlock()
	k, ok := s.keypairLocked(w, tok, r.PathValue("name"))
	if !ok {
		return
	}
	b := keypairBody(k, v)
	b["id"], b["user_id"] = k.ID, k.UserID
	b["created_at"] = k.Created.Format("2006-01-02T15:04:05.000000")
	b["updated_at"], b["deleted_at"], b["deleted"] = nil, nil, false
	core.WriteJSON(w, http.StatusOK, map[string]any{"keypair": b})
}

func (s *Room) deleteKeypair(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	s.c.Lock()
	defer s.c.Unlock()
	k, ok := s.keypairLocked(w, tok, r.PathValue("name"))
	if !ok {
		return
	}
	delete(s.keypairs, keypairKey(k.UserID, k.Name))
	if v >= 2 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// keypairExistsLocked reports whether the user has a keypair of that name.
func (s *Room) keypairExistsLocked(userID, name string) bool {
	_, ok := s.keypairs[keypairKey(userID, name)]
	return ok
}
