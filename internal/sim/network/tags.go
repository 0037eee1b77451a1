package network

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// taggableKinds are the collections whose members take tags.
var taggableKinds = []string{"networks", "subnets", "ports", "routers", "security-groups", "floatingips"}

const maxTagLen = 60

// tagged finds the resource whose tags a call reads or changes; a change
// needs the caller to own it.
func (s *Room) tagged(q *request, kind string, change bool) (*stdAttrs, error) {
	var a *stdAttrs
	var err error
	switch kind {
	case "networks":
		var n *network
		if n, err = s.findNetwork(q.Project(), q.id()); err == nil {
			a = &n.stdAttrs
		}
	case "subnets":
		var sn *subnet
		if sn, err = s.findSubnet(q.Project(), q.id()); err == nil {
			a = &sn.stdAttrs
		}
	case "ports":
		var p *port
		if p, err = s.findPort(q.Project(), q.id()); err == nil {
			a = &p.stdAttrs
		}
	default:
		a, err = s.taggedL3(q, kind)
	}
	if err == nil && change && a.ProjectID != q.Project() {
		err = policyDenied("update_"+strings.ReplaceAll(kind[:len(kind)-1], "-", "_"), "tags")
	}
	return a, err
}

func (s *Room) taggedL3(q *request, kind string) (*stdAttrs, error) {
	switch kind {
	case "routers":
		rt, err := s.findRouter(q.Project(), q.id())
		if err != nil {
			return nil, err
		}
		return &rt.stdAttrs, nil
	case "security-groups":
		g, err := s.findGroup(q.Project(), q.id())
		if err != nil {
			return nil, err
		}
		return &g.stdAttrs, nil
	}
	f, err := s.findFIP(q.Project(), q.id())
	if err != nil {
		return nil, err
	}
	return &f.stdAttrs, nil
}

func checkTag(tag string) error {
	if tag == "" || len(tag) > maxTagLen {
		return invalidInput("'%s' exceeds maximum length of %d", tag, maxTagLen)
	}
	return nil
}

func tagNotFound(tag string) error {
	return errorf(http.StatusNotFound, "TagNotFound", "Tag %s could not be found.", tag)
}

func (s *Room) listTags(kind string) handler {
	return func(q *request) (int, any, error) {
		a, err := s.tagged(q, kind, false)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, map[string]any{"tags": append([]string{}, a.Tags...)}, nil
	}
}

func (s *Room) checkTagExists(kind string) handler {
	return func(q *request) (int, any, error) {
		a, err := s.tagged(q, kind, false)
		if err != nil {
			return 0, nil, err
		}
		if !slices.Contains(a.Tags, q.R.PathValue("tag")) {
			return 0, nil, tagNotFound(q.R.PathValue("tag"))
		}
		return http.StatusNoContent, nil, nil
	}
}

func (s *Room) replaceTags(kind string) handler {
	return func(q *request) (int, any, error) {
		a, err := s.tagged(q, kind, true)
		if err != nil {
			return 0, nil, err
		}
		var body struct {
			Tags *[]string `json:"tags"`
		}
		if json.Unmarshal(q.Body, &body) != nil || body.Tags == nil {
			return 0, nil, badRequest("Invalid input for tags. Reason: Invalid data format for tag.")
		}
		tags := *body.Tags
		for i, t := range tags {
			if err := checkTag(t); err != nil {
				return 0, nil, err
			}
			if slices.Contains(tags[:i], t) {
				return 0, nil, invalidInput("Duplicate items in the list: '%s'", t)
			}
		}
		a.Tags = slices.Sorted(slices.Values(tags))
		a.touch(s.c.Now())
		return http.StatusOK, map[string]any{"tags": append([]string{}, a.Tags...)}, nil
	}
}

func (s *Room) deleteAllTags(kind string) handler {
	return func(q *request) (int, any, error) {
		a, err := s.tagged(q, kind, true)
		if err != nil {
			return 0, nil, err
		}
		a.Tags = nil
		a.touch(s.c.Now())
		return http.StatusNoContent, nil, nil
	}
}

func (s *Room) addTag(kind string) handler {
	return func(q *request) (int, any, error) {
		a, err := s.tagged(q, kind, true)
		if err != nil {
			return 0, nil, err
		}
		tag := q.R.PathValue("tag")
		if err := checkTag(tag); err != nil {
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

func (s *Room) deleteTag(kind string) handler {
	return func(q *request) (int, any, error) {
		a, err := s.tagged(q, kind, true)
		if err != nil {
			return 0, nil, err
		}
		tag := q.R.PathValue("tag")
		i := slices.Index(a.Tags, tag)
		if i < 0 {
			return 0, nil, tagNotFound(tag)
		}
		a.Tags = slices.Delete(a.Tags, i, i+1)
		a.touch(s.c.Now())
		return http.StatusNoContent, nil, nil
	}
}
