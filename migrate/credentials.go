package migrate

import (
	"context"
	"errors"
	"maps"
	"slices"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/s3"
)

// kindEC2 is the journal kind of EC2 credentials made for a run. Only
// the access key (public) is journaled, never the secret.
const kindEC2 = "ec2-credential"

// mintedCredentials is what a BucketMover tells about the EC2
// credentials made for it: the access key per cloud ("source",
// "target"). *transfer.BucketCopier implements it.
type mintedCredentials interface {
	Minted() map[string]string
}

// journalCredentials records the EC2 credentials made for this run, so
// that the next run (or a rollback) deletes them should this process
// die before it can, and deletes those an earlier run left behind.
func journalCredentials(ctx context.Context, j *Journal, b BucketMover, src, dst *cloud.Session) error {
	now := map[string]string{}
	if m, ok := b.(mintedCredentials); ok && b != nil {
		now = m.Minted()
	}
	if err := revokeLeftCredentials(ctx, j, src, dst, now); err != nil {
		return err
	}
	for _, side := range slices.Sorted(maps.Keys(now)) {
		if err := j.AddCreated(Created{Cloud: side, Kind: kindEC2, ID: now[side], Name: "EC2 credentials for S3"}); err != nil {
			return err
		}
	}
	return nil
}

// revokeLeftCredentials deletes the journaled EC2 credentials other
// than keep (by cloud) and forgets them.
func revokeLeftCredentials(ctx context.Context, j *Journal, src, dst *cloud.Session, keep map[string]string) error {
	var errs []error
	for _, c := range j.CreatedResources() {
		if c.Kind != kindEC2 || keep[c.Cloud] == c.ID {
			continue
		}
		sess := dst
		if c.Cloud == "source" {
			sess = src
		}
		if err := s3.Revoke(ctx, sess, c.ID); err != nil {
			errs = append(errs, err)
			continue
		}
		if err := j.RemoveCreated(c.Cloud, c.Kind, c.ID); err != nil {
			return err
		}
	}
	return errors.Join(errs...)
}
