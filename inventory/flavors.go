package inventory

import "fmt"

// flavorResolver resolves the flavor of every server. The server's embedded
// flavor (2.47+) is what it really has; the flavor list gives the ID and,
// at 2.61+, the extra specs. A flavor that is gone from the list, or
// that no longer matches, keeps the embedded values with no ID.
type flavorResolver struct {
	byName map[string][]novaFlavor
	byID   map[string]novaFlavor
	used   map[string]Flavor // by key
	onWarn func(format string, args ...any)
}

func newFlavors(list []novaFlavor, warn func(string, ...any)) *flavorResolver {
	f := &flavorResolver{byName: map[string][]novaFlavor{}, byID: map[string]novaFlavor{},
		used: map[string]Flavor{}, onWarn: warn}
	for _, fl := range list {
		f.byName[fl.Name] = append(f.byName[fl.Name], fl)
		f.byID[fl.ID] = fl
	}
	return f
}

// resolve returns the flavor of the server and remembers it as used.
func (f *flavorResolver) resolve(s novaServer) Flavor {
	e := s.Flavor
	var fl Flavor
	switch listed, ok := f.match(e); {
	case ok && e.OriginalName == "": // before 2.47: only the ID is embedded
		fl = listed.flavor()
	case ok:
		fl = embedded(e)
		fl.ID, fl.Public = listed.ID, listed.Public
		if fl.ExtraSpecs == nil {
			fl.ExtraSpecs = listed.ExtraSpecs
		}
	default:
		fl = embedded(e)
		f.onWarn("flavor %q of server %q is no longer offered as it was: kept as the server has it, without ID", flavorName(e), s.Name)
	}
	key := fl.ID
	if key == "" {
		key = fmt.Sprintf("%s|%d|%d|%d|%d", fl.Name, fl.VCPUs, fl.RAMMiB, fl.DiskGB, fl.EphemeralGB)
	}
	if _, seen := f.used[key]; !seen {
		f.used[key] = fl
	}
	return fl
}

// match finds the listed flavor the embedded one was built from.
func (f *flavorResolver) match(e novaEmbeddedFlavor) (novaFlavor, bool) {
	if e.OriginalName == "" {
		fl, ok := f.byID[e.ID]
		return fl, ok
	}
	for _, fl := range f.byName[e.OriginalName] {
		if fl.VCPUs == e.VCPUs && fl.RAM == e.RAM && fl.Disk == e.Disk && fl.Ephemeral == e.Ephemeral {
			return fl, true
		}
	}
	return novaFlavor{}, false
}

func flavorName(e novaEmbeddedFlavor) string {
	if e.OriginalName != "" {
		return e.OriginalName
	}
	return e.ID
}

func embedded(e novaEmbeddedFlavor) Flavor {
	return Flavor{Name: flavorName(e), VCPUs: e.VCPUs, RAMMiB: e.RAM, DiskGB: e.Disk,
		EphemeralGB: e.Ephemeral, SwapMiB: int(e.Swap), ExtraSpecs: e.ExtraSpecs}
}

func (fl novaFlavor) flavor() Flavor {
	return Flavor{ID: fl.ID, Name: fl.Name, VCPUs: fl.VCPUs, RAMMiB: fl.RAM, DiskGB: fl.Disk,
		EphemeralGB: fl.Ephemeral, SwapMiB: int(fl.Swap), ExtraSpecs: fl.ExtraSpecs, Public: fl.Public}
}

// list is the flavors in use.
func (f *flavorResolver) list() []Flavor {
	out := make([]Flavor, 0, len(f.used))
	for _, fl := range f.used {
		out = append(out, fl)
	}
	return out
}
