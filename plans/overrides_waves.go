package plans

import (
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/scs-migrate/scs-migrate/inventory"
)

// WaveMetadataKey is the server metadata key that names a server's wave
// when the mapping file does not put the server in one.
const WaveMetadataKey = "scs-migrate.wave"

// WaveOverride is a wave of a mapping file: servers cut over together.
type WaveOverride struct {
	Name string
	// Servers are the members by name or ID, as written.
	Servers []WaveMember
	// Line locates the wave in the file.
	Line int
}

// WaveMember is one server of a wave, as written in the file.
type WaveMember struct {
	Server string
	Line   int
}

// parseWaves reads the waves section: a list of {name, servers}.
func (ov *Overrides) parseWaves(v *yaml.Node) error {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		return ov.errorf(v.Line, "waves: want a list of waves ({name: …, servers: […]}), got %s", nodeKind(v))
	}
	names := map[string]int{}
	members := map[string]string{} // server → wave
	memberLine := map[string]int{}
	for i, w := range v.Content {
		if w.Kind != yaml.MappingNode {
			return ov.errorf(w.Line, "waves[%d]: want a mapping with name and servers, got %s", i, nodeKind(w))
		}
		wave := WaveOverride{Line: w.Line}
		var servers *yaml.Node
		seen := map[string]int{}
		for j := 0; j+1 < len(w.Content); j += 2 {
			k, val := w.Content[j], w.Content[j+1]
			if line, dup := seen[k.Value]; dup {
				return ov.errorf(k.Line, "waves[%d]: %s: duplicate key (first at line %d)", i, k.Value, line)
			}
			seen[k.Value] = k.Line
			switch k.Value {
			case "name":
				if val.Kind != yaml.ScalarNode || val.Tag == "!!null" || val.Value == "" {
					return ov.errorf(val.Line, "waves[%d]: name: want a non-empty name, got %s", i, nodeKind(val))
				}
				wave.Name = val.Value
			case "servers":
				servers = val
			default:
				return ov.errorf(k.Line, "waves[%d]: unknown field %q (want name, servers)", i, k.Value)
			}
		}
		if wave.Name == "" {
			return ov.errorf(w.Line, "waves[%d]: name: missing", i)
		}
		if line, dup := names[wave.Name]; dup {
			return ov.errorf(w.Line, "waves: %q: duplicate wave (first at line %d)", wave.Name, line)
		}
		names[wave.Name] = w.Line
		if servers == nil {
			return ov.errorf(w.Line, "waves: %q: servers: missing", wave.Name)
		}
		if servers.Kind != yaml.SequenceNode || len(servers.Content) == 0 {
			got := nodeKind(servers)
			if servers.Kind == yaml.SequenceNode {
				got = "an empty list"
			}
			return ov.errorf(servers.Line, "waves: %q: servers: want a non-empty list of server names, got %s", wave.Name, got)
		}
		for _, s := range servers.Content {
			if s.Kind != yaml.ScalarNode || s.Tag == "!!null" || s.Value == "" {
				return ov.errorf(s.Line, "waves: %q: a server must be a non-empty name, got %s", wave.Name, nodeKind(s))
			}
			if other, dup := members[s.Value]; dup {
				return ov.errorf(s.Line, "waves: %q: server %q is already in wave %q (line %d)", wave.Name, s.Value, other, memberLine[s.Value])
			}
			members[s.Value], memberLine[s.Value] = wave.Name, s.Line
			wave.Servers = append(wave.Servers, WaveMember{Server: s.Value, Line: s.Line})
		}
		ov.Waves = append(ov.Waves, wave)
	}
	return nil
}

// checkWaves verifies that every wave member names exactly one server of
// the inventory, and that no server is in two waves (by name and by ID).
func (ov *Overrides) checkWaves(inv *inventory.Document) error {
	byName := map[string][]string{}
	ids := map[string]bool{}
	var names []string
	for _, s := range inv.Servers {
		if len(byName[s.Name]) == 0 && s.Name != "" {
			names = append(names, s.Name)
		}
		byName[s.Name] = append(byName[s.Name], s.ID)
		ids[s.ID] = true
	}
	valid := newNameSet(inv.Servers, func(s inventory.Server) (string, string) { return s.Name, s.ID })
	var errs []error
	in := map[string]string{} // server ID → wave
	for _, w := range ov.Waves {
		for _, m := range w.Servers {
			id, err := ov.waveMember(w, m, byName, ids, valid)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if other, dup := in[id]; dup {
				errs = append(errs, fmt.Errorf("%s:%d: waves: %q: server %q is already in wave %q", ov.File, m.Line, w.Name, m.Server, other))
				continue
			}
			in[id] = w.Name
		}
	}
	return errors.Join(errs...)
}

// waveMember resolves a member to a server ID.
func (ov *Overrides) waveMember(w WaveOverride, m WaveMember, byName map[string][]string, ids map[string]bool, valid *nameSet) (string, error) {
	if ids[m.Server] {
		return m.Server, nil
	}
	switch found := byName[m.Server]; len(found) {
	case 0:
		return "", fmt.Errorf("%s:%d: waves: %q: server %q is not in the inventory (%s)", ov.File, m.Line, w.Name, m.Server, valid.choices())
	case 1:
		return found[0], nil
	default:
		return "", fmt.Errorf("%s:%d: waves: %q: server name %q names %d servers (%s): give the ID", ov.File, m.Line, w.Name, m.Server, len(found), strings.Join(found, ", "))
	}
}

// waves are the mapping file's waves, for the builder.
func (ov *Overrides) waves() []WaveOverride {
	if ov == nil {
		return nil
	}
	return ov.Waves
}
