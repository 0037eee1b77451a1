package scs

import (
	"testing"
	"time"
)

func TestImageRecency(t *testing.T) {
	created := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		desc   string
		name   string
		props  map[string]string
		hidden bool
		now    time.Time
		want   Recency
	}{
		{"fresh", "Ubuntu 24.04", map[string]string{"replace_frequency": "monthly", "image_build_date": "2025-01-01"},
			false, day(2025, 1, 30), RecencyCurrent},
		{"within 1.1 × monthly", "Ubuntu 24.04", map[string]string{"replace_frequency": "monthly", "image_build_date": "2025-01-01", "provided_until": "2030-01-01"},
			false, day(2025, 2, 4), RecencyCurrent},
		{"past 1.1 × monthly", "Ubuntu 24.04", map[string]string{"replace_frequency": "monthly", "image_build_date": "2025-01-01", "provided_until": "2030-01-01"},
			false, day(2025, 2, 5), RecencyOutdatedUnmarked},
		{"never", "Ubuntu 24.04", map[string]string{"replace_frequency": "never", "image_build_date": "2020-01-01"},
			false, day(2025, 2, 5), RecencyCurrent},
		{"no frequency means never", "Ubuntu 24.04", map[string]string{}, false, day(2030, 1, 1), RecencyCurrent},
		{"unknown frequency", "Ubuntu 24.04", map[string]string{"replace_frequency": "hourly"}, false, day(2030, 1, 1), RecencyCurrent},
		{"build date falls back to created_at", "Ubuntu 24.04", map[string]string{"replace_frequency": "daily", "provided_until": "2030-01-01"},
			false, day(2025, 1, 3), RecencyOutdatedUnmarked},
		{"provided_until none", "Ubuntu 24.04", map[string]string{"replace_frequency": "daily", "provided_until": "none"},
			false, day(2025, 3, 1), RecencyCurrent},
		{"provided_until notice", "Ubuntu 24.04", map[string]string{"replace_frequency": "daily", "provided_until": "notice"},
			false, day(2025, 3, 1), RecencyCurrent},
		{"past provided_until", "Ubuntu 24.04", map[string]string{"replace_frequency": "daily", "provided_until": "2025-02-01"},
			false, day(2025, 3, 1), RecencyCurrent},
		{"invalid provided_until", "Ubuntu 24.04", map[string]string{"replace_frequency": "daily", "provided_until": "soon"},
			false, day(2025, 3, 1), RecencyInvalidProvidedUntil},
		{"missing provided_until", "Ubuntu 24.04", map[string]string{"replace_frequency": "daily"},
			false, day(2025, 3, 1), RecencyInvalidProvidedUntil},
		{"hidden", "Ubuntu 24.04", map[string]string{"replace_frequency": "daily", "provided_until": "2030-01-01"},
			true, day(2025, 3, 1), RecencyOutdatedMarked},
		{"old suffix", "Ubuntu 24.04 old", map[string]string{"replace_frequency": "daily", "provided_until": "2030-01-01"},
			false, day(2025, 3, 1), RecencyOutdatedMarked},
		{"prev suffix", "Ubuntu 24.04 prev", map[string]string{"replace_frequency": "daily", "provided_until": "2030-01-01"},
			false, day(2025, 3, 1), RecencyOutdatedMarked},
		{"date suffix", "Ubuntu 24.04 20250101", map[string]string{"replace_frequency": "daily", "provided_until": "2030-01-01"},
			false, day(2025, 3, 1), RecencyOutdatedMarked},
		{"iso date suffix", "Ubuntu 24.04 2025-01-01", map[string]string{"replace_frequency": "daily", "provided_until": "2030-01-01"},
			false, day(2025, 3, 1), RecencyOutdatedMarked},
		{"other suffix", "Ubuntu 24.04 legacy", map[string]string{"replace_frequency": "daily", "provided_until": "2030-01-01"},
			false, day(2025, 3, 1), RecencyOutdatedUnmarked},
	}
	for _, tt := range tests {
		if got := ImageRecency(tt.name, tt.props, tt.hidden, created, tt.now); got != tt.want {
			t.Errorf("%s: ImageRecency = %d, want %d", tt.desc, got, tt.want)
		}
	}
}

func TestReplacementImageName(t *testing.T) {
	tests := []struct {
		name, want string
		ok         bool
	}{
		{"Ubuntu 24.04 20250101", "Ubuntu 24.04", true},
		{"Ubuntu 24.04 old", "Ubuntu 24.04", true},
		{"Ubuntu  old", "Ubuntu", true},
		{"Ubuntu 24.04", "Ubuntu", true},
		{"ubuntu-capi-image-v1.33.4", "", false},
	}
	for _, tt := range tests {
		got, ok := ReplacementImageName(tt.name)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ReplacementImageName(%q) = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseImageDate(t *testing.T) {
	for _, s := range []string{"2025-06-01", "2025-6-1", "2025-06-01 12:30", "2025-06-01 12:30:59", "2025-06-01T12:30:59Z"} {
		if _, ok := parseImageDate(s, imageDateLayouts); !ok {
			t.Errorf("parseImageDate(%q) failed", s)
		}
	}
	for _, s := range []string{"", "2025-02-30", "01.06.2025", "2025-06-01T12:30:59+02:00", "1970-01-01", "20250601"} {
		if _, ok := parseImageDate(s, imageDateLayouts); ok {
			t.Errorf("parseImageDate(%q) succeeded", s)
		}
	}
}

func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
