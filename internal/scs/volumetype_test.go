package scs

import (
	"slices"
	"strings"
	"testing"
)

func TestParseVolumeTypeAspects(t *testing.T) {
	tests := []struct {
		desc    string
		aspects []string
		found   bool
		wantErr string
	}{
		{"[scs:encrypted, replicated] fast", []string{"encrypted", "replicated"}, true, ""},
		{"[scs:encrypted]", []string{"encrypted"}, true, ""},
		{"[scs:replicated]Ceph", []string{"replicated"}, true, ""},
		{"[scs:  encrypted ,replicated\t]", []string{"encrypted", "replicated"}, true, ""},
		{"[scs:]", []string{}, true, ""},
		{"", nil, false, ""},
		{"plain text", nil, false, ""},
		{" [scs:encrypted]", nil, false, ""}, // must be at the start
		{"[SCS:encrypted]", nil, false, ""},
		{"[scs:encrypted", nil, false, ""},
		{"[scs:[encrypted]]", nil, false, ""},
		{"[scs:replicated, encrypted]", []string{"replicated", "encrypted"}, true, "aspects not sorted"},
		{"[scs:encrypted, encrypted]", []string{"encrypted", "encrypted"}, true, "duplicate aspects: encrypted"},
		{"[scs:encrypted, fast]", []string{"encrypted", "fast"}, true, `unknown aspects: "fast" (want encrypted, replicated)`},
		{"[scs: ]", []string{""}, true, `unknown aspects: ""`},
		{"[scs:encrypted,]", []string{"encrypted", ""}, true, "aspects not sorted"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			aspects, found, err := ParseVolumeTypeAspects(tt.desc)
			if found != tt.found || !slices.Equal(aspects, tt.aspects) || (aspects == nil) != (tt.aspects == nil) {
				t.Errorf("got %q, %v; want %q, %v", aspects, found, tt.aspects, tt.found)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), tt.desc)):
				t.Errorf("error %v, want one naming the description and containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestFormatAspects(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{[]string{"replicated", "encrypted", "replicated"}, "[scs:encrypted, replicated]"},
		{[]string{"encrypted"}, "[scs:encrypted]"},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := FormatAspects(tt.in); got != tt.want {
			t.Errorf("FormatAspects(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzParseVolumeTypeAspects(f *testing.F) {
	for _, seed := range []string{"[scs:encrypted, replicated] x", "[scs:]", "[scs:b,a,a]", "x", "[scs: encrypted\x1c]"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, desc string) {
		aspects, found, err := ParseVolumeTypeAspects(desc)
		if !found {
			if aspects != nil || err != nil {
				t.Fatalf("not found but aspects %q, err %v", aspects, err)
			}
			return
		}
		if err != nil {
			return
		}
		if !slices.IsSorted(aspects) || len(slices.Compact(slices.Clone(aspects))) != len(aspects) {
			t.Fatalf("accepted unsorted or repeated aspects %q", aspects)
		}
		for _, a := range aspects {
			if !slices.Contains(knownAspects, a) {
				t.Fatalf("accepted unknown aspect %q", a)
			}
		}
		if len(aspects) == 0 {
			return
		}
		again, found, err := ParseVolumeTypeAspects(FormatAspects(aspects) + " rest")
		if !found || err != nil || !slices.Equal(again, aspects) {
			t.Fatalf("FormatAspects(%q) reparsed as %q, %v, %v", aspects, again, found, err)
		}
	})
}
