package sim

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// nTaggableKinds are the collections whose members take tags.
var nTaggableKinds = []string{"networks", "subnets", "ports", "routers", "security-groups", "floatingips"}

const nMaxTagLen = 60

// tagged finds the resource whose tags a call reads or changes; a change
// needs the caller to own it.
func (s *networkService) tagged(q *nreq, kind string, change bool) (*nStdAttrs, error) {
	var a *nStdAttrs
	var err error
	switch kind {
	case "networks":
		var n *network
		if n, err = s.findNetwork(q.project(), q.id()); err == nil {
			a = &n.nStdAttrs
		}
	case "subnets":
		var sn *subnet
		if sn, err = s.findSubnet(q.project(), q.id()); err == nil {
			a = &sn.nStdAttrs
		}
	case "ports":
		var p *port
		if p, err = s.findPort(q.project(), q.id()); err == nil {
			a = &p.nStdAttrs
		}
	default:
		a, err = s.taggedL3(q, kind)
	}
	if err == nil && change && a.ProjectID != q.project() {
		err = nPolicyDenied("update_"+strings.ReplaceAll(kind[:len(kind)-1], "-", "_"), "tags")
	}
	return a, err
}

func (s *networkService) taggedL3(q *nreq, kind string) (*nStdAttrs, error) {
	switch kind {
	case "routers":
		rt, err := s.findRouter(q.project(), q.id())
		if err != nil {
			return nil, err
		}
		return &rt.nStdAttrs, nil
	case "security-groups":
		g, err := s.findGroup(q.project(), q.id())
		if err != nil {
			return nil, err
		}
		return &g.nStdAttrs, nil
	}
	f, err := s.findFIP(q.project(), q.id())
	if err != nil {
		return nil, err
	}
	return &f.nStdAttrs, nil
}

func nCheckTag(tag string) error {
	if tag == "" || len(tag) > nMaxTagLen {
		return nInvalidInput("'%s' exceeds maximum length of %d", tag, nMaxTagLen)
	}
	return nil
}

func nTagNotFound(tag string) error {
	return nErr(http.StatusNotFound, "TagNotFound", "Tag %s could not be found.", tag)
}

func (s *networkService) listTags(kind string) nhandler {
	return func(q *nreq) (int, any, error) {
		a, err := s.tagged(q, kind, false)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, map[string]any{"tags": append([]string{}, a.Tags...)}, nil
	}
}

func (s *networkService) checkTagExists(kind string) nhandler {
	return func(q *nreq) (int, any, error) {
		a, err := s.tagged(q, kind, false)
		if err != nil {
			return 0, nil, err
		}
		if !slices.Contains(a.Tags, q.r.PathValue("tag")) {
			return 0, nil, nTagNotFound(q.r.PathValue("tag"))
		}
		return http.StatusNoContent, nil, nil
	}
}

func (s *networkService) replaceTags(kind string) nhandler {
	return func(q *nreq) (int, any, error) {
		a, err := s.tagged(q, kind, true)
		if err != nil {
			return 0, nil, err
		}
		var body struct {
			Tags *[]string `json:"tags"`
		}
		if json.Unmarshal(q.body, &body) != nil || body.Tags == nil {
			return 0, nil, nBadRequest("Invalid input for tags. Reason: Invalid data format for tag.")
		}
		tags := *body.Tags
		for i, t := range tags {
			if err := nCheckTag(t); err != nil {
				return 0, nil, err
			}
			if slices.Contains(tags[:i], t) {
				return 0, nil, nInvalidInput("Duplicate items in the list: '%s'", t)
			}
		}
		a.Tags = slices.Sorted(slices.Values(tags))
		a.touch(s.c.Now())
		return http.StatusOK, map[string]any{"tags": append([]string{}, a.Tags...)}, nil
	}
}

func (s *networkService) deleteAllTags(kind string) nhandler {
	return func(q *nreq) (int, any, error) {
		a, err := s.tagged(q, kind, true)
		if err != nil {
			return 0, nil, err
		}
		a.Tags = nil
		a.touch(s.c.Now())
		return http.StatusNoContent, nil, nil
	}
}

func (s *networkService) addTag(kind string) nhandler {
	return func(q *nreq) (int, any, error) {
		a, err := s.tagged(q, kind, true)
		if err != nil {
			return 0, nil, err
		}
		tag := q.r.PathValue("tag")
		if err := nCheckTag(tag); err != nil {
			return 0, nil, err
		}
		if !slices.Contains(a.Tags, tag) {
			a.Tags = append(a.Tags, tag)
			slices.Sort(a.Tags)
			a.touch(s.c.Now())
		}
		return http.StatusCreated, nil, nil
	}
}

func (s *networkService) deleteTag(kind string) nhandler {
	return func(q *nreq) (int, any, error) {
		a, err := s.tagged(q, kind, true)
		if err != nil {
			return 0, nil, err
		}
		tag := q.r.PathValue("tag")
		i := slices.Index(a.Tags, tag)
		if i < 0 {
			return 0, nil, nTagNotFound(tag)
		}
		a.Tags = slices.Delete(a.Tags, i, i+1)
		a.touch(s.c.Now())
		return http.StatusNoContent, nil, nil
	}
}
