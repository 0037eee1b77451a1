package image

import (
	"net/http"
	"slices"
	"sort"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

func memberView(imageID, projectID string, m *member) map[string]any {
	return map[string]any{"image_id": imageID, "member_id": projectID, "status": m.Status,
		"created_at": core.ISOTime(m.CreatedAt), "updated_at": core.ISOTime(m.UpdatedAt), "schema": "/v2/schemas/member"}
}

// sharedLocked returns a visible image that can have members.
func (s *Room) sharedLocked(projectID, id string) (*image, *apiError) {
	im := s.visibleLocked(projectID, id)
	if im == nil {
		return nil, notFound(id)
	}
	if im.Visibility != "shared" {
		return nil, errorf(http.StatusForbidden, "Only shared images have members.")
	}
	return im, nil
}

// listMembers shows the owner every member and a member itself only.
func (s *Room) listMembers(w http.ResponseWriter, r *http.Request, tok *core.Token) {
	core.Locked(s.c, w, func() (*image, *apiError) { return s.sharedLocked(tok.ProjectID, r.PathValue("id")) }, func(im *image) {
		ids := make([]string, 0, len(im.Members))
		for p := range im.Members {
			if im.Owner == tok.ProjectID || p == tok.ProjectID {
				ids = append(ids, p)
			}
		}
		sort.Strings(ids)
		out := make([]any, len(ids))
		for i, p := range ids {
			out[i] = memberView(im.ID, p, im.Members[p])
		}
		core.WriteJSON(w, http.StatusOK, map[string]any{"members": out, "schema": "/v2/schemas/members"})
	})
}

func (s *Room) addMember(w http.ResponseWriter, r *http.Request, tok *core.Token) {
	var body struct {
		Member string `json:"member"`
	}
	if !core.ReadJSON(w, r, core.GlanceErrors, &body) {
		return
	}
	s.c.Lock()
	defer s.c.Unlock()
	im, ierr := s.sharedLocked(tok.ProjectID, r.PathValue("id"))
	if ierr == nil && im.Owner != tok.ProjectID {
		ierr = errorf(http.StatusForbidden, "You are not authorized to complete add_member action.")
	}
	if ierr != nil {
		ierr.Write(w)
		return
	}
	if body.Member == "" {
		core.GlanceErrors.Write(w, http.StatusBadRequest, "Member to be added not specified")
		return
	}
	if im.Members[body.Member] != nil {
		core.GlanceErrors.Write(w, http.StatusConflict, "Member "+body.Member+" already associated with image "+im.ID+".")
		return
	}
	t := s.c.Now()
	m := &member{Status: "pending", CreatedAt: t, UpdatedAt: t}
	if im.Members == nil {
		im.Members = map[string]*member{}
	}
	im.Members[body.Member] = m
	core.WriteJSON(w, http.StatusOK, memberView(im.ID, body.Member, m))
}

// memberLocked finds a membership the caller may see.
func (s *Room) memberLocked(projectID, id, member string) (*image, *member, *apiError) {
	im, ierr := s.sharedLocked(projectID, id)
	if ierr != nil {
		return nil, nil, ierr
	}
	m := im.Members[member]
	if m == nil || (im.Owner != projectID && member != projectID) {
		return nil, nil, errorf(http.StatusNotFound, "Member %s not found", member)
	}
	return im, m, nil
}

func (s *Room) getMember(w http.ResponseWriter, r *http.Request, tok *core.Token) {
	s.c.Lock()
	defer s.c.Unlock()
	im, m, ierr := s.memberLocked(tok.ProjectID, r.PathValue("id"), r.PathValue("member"))
	if ierr != nil {
		ierr.Write(w)
		return
	}
	core.WriteJSON(w, http.StatusOK, memberView(im.ID, r.PathValue("member"), m))
}

// updateMember lets the member (only) accept or reject the share.
func (s *Room) updateMember(w http.ResponseWriter, r *http.Request, tok *core.Token) {
	var body struct {
		Status string `json:"status"`
	}
	if !core.ReadJSON(w, r, core.GlanceErrors, &body) {
		return
	}
	s.c.Lock()
	defer s.c.Unlock()
	im, m, ierr := s.memberLocked(tok.ProjectID, r.PathValue("id"), r.PathValue("member"))
	if ierr == nil && r.PathValue("member") != tok.ProjectID {
		ierr = errorf(http.StatusForbidden, "You are not permitted to modify 'status' on this image member.")
	}
	if ierr != nil {
		ierr.Write(w)
		return
	}
	if !slices.Contains([]string{"pending", "accepted", "rejected"}, body.Status) {
		core.GlanceErrors.Write(w, http.StatusBadRequest, "Provided object does not match schema 'member': '"+body.Status+"' is not one of ['pending', 'accepted', 'rejected']")
		return
	}
	m.Status, m.UpdatedAt = body.Status, s.c.Now()
	core.WriteJSON(w, http.StatusOK, memberView(im.ID, r.PathValue("member"), m))
}

func (s *Room) deleteMember(w http.ResponseWriter, r *http.Request, tok *core.Token) {
	s.c.Lock()
	defer s.c.Unlock()
	im, _, ierr := s.memberLocked(tok.ProjectID, r.PathValue("id"), r.PathValue("member"))
	if ierr == nil && im.Owner != tok.ProjectID {
		ierr = errorf(http.StatusForbidden, "You are not authorized to complete delete_member action.")
	}
	if ierr != nil {
		ierr.Write(w)
		return
	}
	delete(im.Members, r.PathValue("member"))
	w.WriteHeader(http.StatusNoContent)
}
