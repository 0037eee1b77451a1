package compute

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

func (s *Room) routeServers(mux *http.ServeMux) {
	s.handle(mux, "GET", "/servers", s.listServers(false))
	s.handle(mux, "GET", "/servers/detail", s.listServers(true))
	s.handle(mux, "POST", "/servers", s.createServer)
	s.handle(mux, "GET", "/servers/{id}", s.getServer)
	s.handle(mux, "PUT", "/servers/{id}", s.updateServer)
	s.handle(mux, "DELETE", "/servers/{id}", s.deleteServer)
	s.handle(mux, "GET", "/servers/{id}/ips", s.listIPs)
	s.handle(mux, "GET", "/servers/{id}/ips/{network}", s.getIPs)
}

func (s *Room) listServers(detail bool) handler {
	return func(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
		match, err := serverFilter(r.URL.Query(), v)
		if err != nil {
			err.Write(w)
			return
		}
		s.c.Lock()
		defer s.c.Unlock()
		items, links, ok := pageOf(w, r, s.c.URL(), markerNotFound, s.projectServersLocked(tok.ProjectID, match),
			func(srv *server) string { return srv.ID })
		if !ok {
			return
		}
		out := make([]map[string]any, 0, len(items))
		for _, srv := range items {
			if detail {
				out = append(out, s.serverBodyLocked(srv, v))
			} else {
				out = append(out, map[string]any{"id": srv.ID, "name": srv.Name, "links": s.links("servers", srv.ID)})
			}
		}
		body := map[string]any{"servers": out}
		if links != nil {
			body["servers_links"] = links
		}
		core.WriteJSON(w, http.StatusOK, body)
	}
}

// projectServersLocked lists the project's servers that match, newest
// first (Nova sorts by created_at, to the microsecond, descending).
func (s *Room) projectServersLocked(projectID string, match func(*server) bool) []*server {
	var out []*server
	for _, srv := range s.servers {
		if srv.ProjectID == projectID && match(srv) {
			out = append(out, srv)
		}
	}
	slices.SortFunc(out, func(a, b *server) int {
		return cmp.Compare(b.seq, a.seq)
	})
	return out
}

// serverFilter builds the filter of a server list from the query
// parameters a project may use; others are ignored, as Nova does.
func serverFilter(q url.Values, v microversion) (func(*server) bool, *apiError) {
	var tests []func(*server) bool
	if name := q.Get("name"); name != "" {
		re, err := regexp.Compile(name)
		if err != nil {
			re = regexp.MustCompile(regexp.QuoteMeta(name))
		}
		tests = append(tests, func(srv *server) bool { return re.MatchString(srv.Name) })
	}
	if st := q["status"]; len(st) > 0 {
		tests = append(tests, func(srv *server) bool {
			return slices.ContainsFunc(st, func(x string) bool { return strings.EqualFold(x, srv.status()) })
		})
	}
	if f := q.Get("flavor"); f != "" {
		tests = append(tests, func(srv *server) bool { return srv.Flavor.ID == refID(f) })
	}
	if img := q.Get("image"); img != "" {
		tests = append(tests, func(srv *server) bool { return srv.ImageID == refID(img) })
	}
	if since := q.Get("changes-since"); since != "" {
		t, err := parseChangesSince(since)
		if err != nil {
			return nil, badRequest("Invalid input for query parameters changes-since. Value: %s. '%s' is not a 'date-time'", since, since)
		}
		tests = append(tests, func(srv *server) bool { return !srv.Updated.Before(t) })
	}
	if az := q.Get("availability_zone"); az != "" && v >= 83 {
		tests = append(tests, func(srv *server) bool { return srv.AZ == az })
	}
	if v >= 26 {
		tests = append(tests, serverTagFilters(q)...)
	}
	return func(srv *server) bool {
		for _, t := range tests {
			if !t(srv) {
				return false
			}
		}
		return true
	}, nil
}

// serverTagFilters are tags (all), tags-any, not-tags (not all) and
// not-tags-any (none), each a comma-separated list.
func serverTagFilters(q url.Values) []func(*server) bool {
	has := func(srv *server, tags string) (all, any bool) {
		all = true
		for _, t := range strings.Split(tags, ",") {
			in := slices.Contains(srv.Tags, t)
			all, any = all && in, any || in
		}
		return all, any
	}
	var out []func(*server) bool
	add := func(param string, keep func(all, any bool) bool) {
		if tags := q.Get(param); tags != "" {
			out = append(out, func(srv *server) bool { return keep(has(srv, tags)) })
		}
	}
	add("tags", func(all, _ bool) bool { return all })
	add("tags-any", func(_, any bool) bool { return any })
	add("not-tags", func(all, _ bool) bool { return !all })
	add("not-tags-any", func(_, any bool) bool { return !any })
	return out
}

func (s *Room) getServer(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	core.Locked(s.c, w, func() (*server, *apiError) { return s.ownServerLocked(tok.ProjectID, r.PathValue("id")) }, func(srv *server) {
		core.WriteJSON(w, http.StatusOK, map[string]any{"server": s.serverBodyLocked(srv, v)})
	})
}

type serverUpdateRequest struct {
	Server *struct {
		Name        *string `json:"name"`
		Description *string `json:"description"`
		AccessIPv4  *string `json:"accessIPv4"`
		AccessIPv6  *string `json:"accessIPv6"`
	} `json:"server"`
}

// updateServer renames a server or changes its description (2.19+).
func (s *Room) updateServer(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	var req serverUpdateRequest
	if !core.ReadJSON(w, r, core.NovaErrors, &req) {
		return
	}
	u := req.Server
	switch {
	case u == nil:
		badRequest("Invalid input for field/attribute server. 'server' is a required property").Write(w)
		return
	case u.Name != nil && checkName(*u.Name) != nil:
		checkName(*u.Name).Write(w)
		return
	case u.Description != nil && v < 19:
		badRequest("Invalid input for field/attribute server. Additional properties are not allowed ('description' was unexpected)").Write(w)
		return
	}
	core.Locked(s.c, w, func() (*server, *apiError) { return s.ownServerLocked(tok.ProjectID, r.PathValue("id")) }, func(srv *server) {
		setIfGiven(&srv.Name, u.Name)
		setIfGiven(&srv.AccessIPv4, u.AccessIPv4)
		setIfGiven(&srv.AccessIPv6, u.AccessIPv6)
		if u.Description != nil {
			srv.Description = u.Description
		}
		srv.touch(s.c.Now())
		core.WriteJSON(w, http.StatusOK, map[string]any{"server": s.serverBodyLocked(srv, v)})
	})
}

func setIfGiven(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

func (s *Room) listIPs(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	core.Locked(s.c, w, func() (*server, *apiError) { return s.ownServerLocked(tok.ProjectID, r.PathValue("id")) }, func(srv *server) {
		core.WriteJSON(w, http.StatusOK, map[string]any{"addresses": s.addressesLocked(srv)})
	})
}

func (s *Room) getIPs(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	core.Locked(s.c, w, func() (*server, *apiError) { return s.ownServerLocked(tok.ProjectID, r.PathValue("id")) }, func(srv *server) {
		name := r.PathValue("network")
		addrs, ok := s.addressesLocked(srv)[name]
		if !ok {
			core.NovaErrors.Write(w, http.StatusNotFound, fmt.Sprintf("Instance is not a member of specified network"))
			return
		}
		core.WriteJSON(w, http.StatusOK, map[string]any{name: addrs})
	})
}

// parseChangesSince reads an ISO 8601 time, with or without a zone (UTC).
func parseChangesSince(v string) (time.Time, error) {
	var err error
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999", "2006-01-02"} {
		var t time.Time
		if t, err = time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}
