package plans

import (
	"fmt"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/s3"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// addBuckets writes one copy-bucket step per container: every object
// with its metadata, verified, incrementally on every migrate. What the
// copy cannot keep is a warning; what it cannot move at all blocks the
// bucket (only it: buckets depend on nothing and nothing on them).
func (b *builder) addBuckets() {
	names := map[string]bool{}
	for _, c := range b.inv.Containers {
		names[c.Name] = true
	}
	for _, c := range b.inv.Containers {
		if base, ok := strings.CutSuffix(c.Name, segmentSuffix); ok && names[base] {
			b.warn("bucket", c.Name, c.Name, fmt.Sprintf("holds the segments of the large objects in %s (%s): they arrive inside those objects, which are copied whole, so the container itself is not copied",
				base, describeContainer(c)))
			continue
		}
		target := c.Name
		if o, where := b.opts.Overrides.lookup(b.opts.Overrides.buckets(), c.Name, ""); o != nil {
			target = o.Target
			b.warn("bucket", c.Name, c.Name, fmt.Sprintf("renamed to %s on the target (%s)", target, where))
		}
		id := stepID(StepCopyBucket, c.Name)
		b.add(Step{ID: id, Kind: StepCopyBucket, SourceID: c.Name, Name: c.Name, DependsOn: []string{},
			Bytes: c.Bytes, DataBytes: c.Bytes, DataBasis: DataObjects, Target: StepTarget{Bucket: target}})
		if reason := b.bucketProblem(c); reason != "" {
			b.block(Finding{Kind: "bucket", SourceID: c.Name, Name: c.Name, Reason: reason}, id)
			continue
		}
		if versioned(c) && b.tgt.ObjectStore != nil && !b.tgt.ObjectStore.Versioning {
			b.warn("bucket", c.Name, c.Name, "the target's object store does not offer versioning: the copy keeps no versions")
		}
		for _, w := range bucketChanges(c) {
			b.warn("bucket", c.Name, c.Name, w)
		}
	}
}

// segmentSuffix names the container where Swift clients (the swift CLI,
// rclone's swift backend) put the segments of large objects uploaded to
// a container: "photos" keeps them in "photos_segments". An underscore
// is not allowed in S3 bucket names, so S3 cannot read it anyway.
const segmentSuffix = "_segments"

// bucketProblem says why a container cannot be copied, or "".
func (b *builder) bucketProblem(c inventory.Container) string {
	switch {
	case !b.tgt.HasService("object-store", "object-store-s3"):
		return fmt.Sprintf("the target has no object store (no object-store or object-store-s3 in its catalog): copy the %s elsewhere", describeContainer(c))
	case !b.tgt.HasService("object-store-s3") && b.tgt.ObjectStore != nil && !b.tgt.ObjectStore.S3:
		return fmt.Sprintf("the target's object store (Swift %s) does not speak S3 (no s3api in its /info): the %s cannot be written there",
			b.tgt.ObjectStore.Version, describeContainer(c))
	case !inventory.BucketName.MatchString(c.Name):
		return "its name is not a valid S3 bucket name, so it cannot be read through S3: copy it with a Swift client (e.g. rclone's swift backend), or rename it on the source"
	case !c.S3:
		return "it was not read through S3 (the source's S3 answered no, or no S3 credentials were given to the inventory): take the inventory again with S3 access"
	}
	return ""
}

// bucketChanges are what the target bucket will lack.
func bucketChanges(c inventory.Container) []string {
	var out []string
	set := c.Settings
	if versioned(c) {
		out = append(out, "versioned: only the current version of each object moves; older versions stay on the source (versioning is switched on for the copy)")
	}
	if set.ObjectLock != "" {
		out = append(out, fmt.Sprintf("object lock (%s) is not kept: the copies carry no retention until you lock them on the target", set.ObjectLock))
	}
	if set.Policy != "" {
		out = append(out, "the bucket policy names the source's principals: it is not copied, write the target's by hand")
	}
	if acl := strings.TrimSpace(c.ReadACL + c.WriteACL); acl != "" {
		out = append(out, fmt.Sprintf("Swift ACLs (read %q, write %q) name the source's projects and users: not copied", c.ReadACL, c.WriteACL))
	}
	if c.WebIndex != "" {
		out = append(out, "a static website (index "+c.WebIndex+") is served from the target's own URL: update DNS and links")
	}
	for _, name := range set.Names() {
		switch name {
		case s3.SettingLifecycle, s3.SettingCORS, s3.SettingTags:
			out = append(out, name+" are copied; a target store that refuses them makes the step say so")
		}
	}
	return out
}

func describeContainer(c inventory.Container) string {
	return fmt.Sprintf("%s (%s in %s)", c.Name, formatBytes(c.Bytes), plural(int(c.Objects), "object"))
}

// versioned reports a bucket that keeps old versions (S3 versioning or
// Swift's versions location).
func versioned(c inventory.Container) bool {
	return c.Settings.Versioning == "Enabled" || c.VersionsLocation != ""
}
