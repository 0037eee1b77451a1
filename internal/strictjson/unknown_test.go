package strictjson

import "testing"

type inner struct {
	Name string `json:"name"`
	Skip string `json:"-"`
}

type outer struct {
	Items []inner        `json:"items"`
	Ptr   *inner         `json:"ptr,omitempty"`
	Any   map[string]any `json:"any"`
	Plain string
}

func TestUnknownField(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{`{"items":[{"name":"a"},{"nmae":"b"}]}`, "items[1].nmae"},
		{`{"ptr":{"Skip":"x"}}`, "ptr.Skip"},
		{`{"any":{"whatever":1},"Plain":"ok"}`, ""},
		{`{"zeta":1,"alpha":2}`, "alpha"},
		{`not json`, ""},
	} {
		if got := UnknownField([]byte(tc.doc), outer{}); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.doc, got, tc.want)
		}
	}
}
