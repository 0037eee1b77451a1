package migrate

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/keypairs"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servergroups"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// runKeypair imports the public key under the same name. A keypair of
// that name that existed before the plan touched the target is used when
// its key is the same (and is never deleted by a rollback), and is an
// error when it is not. Keypairs carry no markers: the journal remembers
// whether the name existed before the first import was attempted.
func runKeypair(ctx context.Context, sc *StepContext) (Outcome, error) {
	kp, err := lookup(sc.inv.keypairs, "keypair", sc.Step.SourceID)
	if err != nil {
		return Outcome{}, err
	}
	const ck = "keypair/"
	pre, snapshotted := sc.Previous.Preexisting[ck]
	have, err := keypairs.Get(ctx, sc.Target.Compute, kp.Name, nil).Extract()
	switch {
	case err != nil && !cloud.IsNotFound(err):
		return Outcome{}, cloud.Wrap("look for keypair "+kp.Name, err)
	case err == nil && !sameKey(have.PublicKey, kp.PublicKey):
		return Outcome{}, fmt.Errorf("the target already has a keypair %q with another public key (fingerprint %s, the source's is %s): rename or remove it",
			kp.Name, have.Fingerprint, kp.Fingerprint)
	case err == nil && (!snapshotted || slices.Contains(pre, kp.Name)):
		if !snapshotted {
			if err := sc.snapshotIDs(ck, []string{kp.Name}); err != nil {
				return Outcome{}, err
			}
		}
		sc.Note("the target already had keypair %q with the same public key; it is used, not imported", kp.Name)
		return Outcome{TargetID: kp.Name, Adopted: true}, sc.adopted("keypair", kp.Name, kp.Name)
	case err == nil: // made by an earlier attempt of this step
		return Outcome{TargetID: kp.Name, Adopted: true}, sc.created("keypair", kp.Name, kp.Name, kp.Name, "")
	}
	if !snapshotted {
		if err := sc.snapshotIDs(ck, []string{}); err != nil {
			return Outcome{}, err
		}
	}
	opts := keypairs.CreateOpts{Name: kp.Name, PublicKey: kp.PublicKey, Type: kp.Type}
	if _, err := keypairs.Create(ctx, sc.Target.Compute, opts).Extract(); err != nil {
		return Outcome{}, cloud.Wrap("import keypair "+kp.Name, err)
	}
	return Outcome{TargetID: kp.Name}, sc.created("keypair", kp.Name, kp.Name, kp.Name, "")
}

// sameKey compares two OpenSSH public keys by type and key, ignoring
// the comment.
func sameKey(a, b string) bool {
	fa, fb := strings.Fields(a), strings.Fields(b)
	if len(fa) < 2 || len(fb) < 2 {
		return strings.TrimSpace(a) == strings.TrimSpace(b)
	}
	return fa[0] == fb[0] && fa[1] == fb[1]
}

// runServerGroup makes the server group with the same name, policy and
// rules. Server groups carry no markers: same-named groups that existed
// before the first attempt are remembered and never adopted.
func runServerGroup(ctx context.Context, sc *StepContext) (Outcome, error) {
	g, err := lookup(sc.inv.serverGroups, "server group", sc.Step.SourceID)
	if err != nil {
		return Outcome{}, err
	}
	cc := sc.Target.Compute
	c := claim{kind: "server-group", name: g.Name, source: g.ID, byName: true,
		find: func(ctx context.Context) ([]candidate, error) {
			all, err := cloud.ListAll(ctx, servergroups.List(cc, nil), servergroups.ExtractServerGroups)
			var out []candidate
			for _, x := range all {
				if x.Name == g.Name {
					out = append(out, candidate{ID: x.ID})
				}
			}
			return out, err
		},
		create: func(ctx context.Context) (string, error) {
			opts := servergroups.CreateOpts{Name: g.Name, Policy: g.Policy}
			if n, ok := g.Rules["max_server_per_host"]; ok {
				opts.Rules = &servergroups.Rules{MaxServerPerHost: n}
			}
			out, err := servergroups.Create(ctx, cc, opts).Extract()
			if err != nil {
				return "", err
			}
			return out.ID, nil
		},
		remove: func(ctx context.Context, id string) error { return servergroups.Delete(ctx, cc, id).ExtractErr() },
	}
	id, adopted, err := sc.ensure(ctx, c)
	return Outcome{TargetID: id, Adopted: adopted}, err
}
