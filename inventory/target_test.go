package inventory

import (
	"context"
	"testing"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// TestReadTargetWithoutServices: a catalog without the services is a
// list of warnings, one per part, not a failure.
func TestReadTargetWithoutServices(t *testing.T) {
	tgt, err := ReadTarget(context.Background(), &cloud.Session{Name: "empty", ProjectID: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if len(tgt.Warnings) != len(targetParts) {
		t.Fatalf("%d warnings, want one per part (%d): %+v", len(tgt.Warnings), len(targetParts), tgt.Warnings)
	}
	for _, w := range tgt.Warnings {
		if w.Message != "not read: the catalog has no such service" {
			t.Errorf("%s: %s", w.Kind, w.Message)
		}
	}
	if tgt.Endpoint.Cloud != "empty" {
		t.Errorf("endpoint %+v", tgt.Endpoint)
	}
}

func TestReadTargetCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadTarget(ctx, &cloud.Session{Name: "x"}); err == nil {
		t.Fatal("a cancelled read succeeded")
	}
}
