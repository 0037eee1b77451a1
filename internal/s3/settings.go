package s3

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/cors"
	"github.com/minio/minio-go/v7/pkg/lifecycle"
	"github.com/minio/minio-go/v7/pkg/tags"
)

// Settings are a bucket's settings that S3 exposes, as documents that
// can be put on another bucket. Empty fields are settings the bucket
// does not have.
type Settings struct {
	Versioning string            `json:"versioning,omitempty"` // Enabled or Suspended
	ObjectLock string            `json:"objectLock,omitempty"` // e.g. "GOVERNANCE 30 DAYS", or "Enabled"
	Lifecycle  string            `json:"lifecycle,omitempty"`  // XML LifecycleConfiguration
	CORS       string            `json:"cors,omitempty"`       // XML CORSConfiguration
	Policy     string            `json:"policy,omitempty"`     // JSON bucket policy
	Tags       map[string]string `json:"tags,omitempty"`
	// Unsupported names the settings the store answered NotImplemented
	// for: it has none of them, and cannot take them.
	Unsupported []string `json:"unsupported,omitempty"`
}

// Setting names, as in Settings.Unsupported and in findings.
const (
	SettingVersioning = "versioning"
	SettingObjectLock = "object lock"
	SettingLifecycle  = "lifecycle rules"
	SettingCORS       = "CORS rules"
	SettingPolicy     = "bucket policy"
	SettingTags       = "bucket tags"
)

// absent reports the error codes that mean "the bucket has none".
func absent(err error) bool {
	switch Code(err) {
	case "NoSuchLifecycleConfiguration", "NoSuchCORSConfiguration", "NoSuchBucketPolicy", "NoSuchTagSet",
		"ObjectLockConfigurationNotFoundError":
		return true
	}
	return false
}

// Settings reads bucket's settings. A setting the store does not
// implement is listed in Unsupported, not an error.
func (c *Client) Settings(ctx context.Context, bucket string) (Settings, error) {
	var s Settings
	mc := c.core.Client
	read := func(name string, get func() error) error {
		err := get()
		switch {
		case err == nil || absent(err):
			return nil
		case IsUnsupported(err) || notASetting(err):
			s.Unsupported = append(s.Unsupported, name)
			return nil
		}
		return Wrap(fmt.Sprintf("read the %s of bucket %s", name, bucket), err)
	}
	steps := []struct {
		name string
		get  func() error
	}{
		{SettingVersioning, func() error {
			v, err := mc.GetBucketVersioning(ctx, bucket)
			s.Versioning = v.Status
			return err
		}},
		{SettingObjectLock, func() error {
			on, mode, validity, unit, err := mc.GetObjectLockConfig(ctx, bucket)
			s.ObjectLock = describeLock(on, mode, validity, unit)
			return err
		}},
		{SettingLifecycle, func() error {
			lc, err := mc.GetBucketLifecycle(ctx, bucket)
			if err == nil && lc != nil && len(lc.Rules) > 0 {
				s.Lifecycle, err = marshal(lc)
			}
			return err
		}},
		{SettingCORS, func() error {
			cc, err := mc.GetBucketCors(ctx, bucket)
			if err == nil && cc != nil && len(cc.CORSRules) > 0 {
				s.CORS, err = marshal(cc)
			}
			return err
		}},
		{SettingPolicy, func() (err error) { s.Policy, err = mc.GetBucketPolicy(ctx, bucket); return err }},
		{SettingTags, func() error {
			t, err := mc.GetBucketTagging(ctx, bucket)
			if err == nil && t != nil && len(t.ToMap()) > 0 {
				s.Tags = t.ToMap()
			}
			return err
		}},
	}
	for _, st := range steps {
		if err := read(st.name, st.get); err != nil {
			return s, err
		}
	}
	return s, nil
}

// notASetting reports an answer that is some other document: Swift's
// s3api does not know ?lifecycle and ?object-lock and answers with the
// bucket's listing.
func notASetting(err error) bool {
	var ue xml.UnmarshalError
	return errors.As(err, &ue) && strings.Contains(string(ue), "expected element type")
}

func describeLock(on string, mode *minio.RetentionMode, validity *uint, unit *minio.ValidityUnit) string {
	if on == "" {
		return ""
	}
	if mode == nil || validity == nil || unit == nil {
		return on
	}
	return fmt.Sprintf("%s %d %s", *mode, *validity, *unit)
}

func marshal(v any) (string, error) {
	b, err := xml.Marshal(v)
	return string(b), err
}

// Apply puts the settings on bucket (made by the caller, empty). It
// returns, per setting that could not be kept, why not; an error is a
// failure that is not the store lacking the feature.
func (c *Client) Apply(ctx context.Context, bucket string, s Settings) (lost map[string]string, err error) {
	lost = map[string]string{}
	mc := c.core.Client
	put := func(name string, set func() error) error {
		err := set()
		switch {
		case err == nil:
			return nil
		case IsUnsupported(err) || Code(err) == "MalformedXML" || Code(err) == "InvalidRequest":
			lost[name] = fmt.Sprintf("the target's object store refused it (%s)", Code(err))
			return nil
		}
		return Wrap(fmt.Sprintf("set the %s of bucket %s", name, bucket), err)
	}
	if s.ObjectLock != "" {
		lost[SettingObjectLock] = "object lock can only be enabled when a bucket is made, and scs-migrate does not make locked buckets: retention would forbid a rollback"
	}
	var steps []func() error
	if s.Versioning == minio.Enabled {
		steps = append(steps, func() error {
			return put(SettingVersioning, func() error { return mc.EnableVersioning(ctx, bucket) })
		})
	}
	if s.Lifecycle != "" {
		steps = append(steps, func() error {
			return put(SettingLifecycle, func() error {
				lc := lifecycle.NewConfiguration()
				if err := xml.Unmarshal([]byte(s.Lifecycle), lc); err != nil {
					return fmt.Errorf("lifecycle document: %w", err)
				}
				return mc.SetBucketLifecycle(ctx, bucket, lc)
			})
		})
	}
	if s.CORS != "" {
		steps = append(steps, func() error {
			return put(SettingCORS, func() error {
				cc, err := cors.ParseBucketCorsConfig(strings.NewReader(s.CORS))
				if err != nil {
					return fmt.Errorf("CORS document: %w", err)
				}
				return mc.SetBucketCors(ctx, bucket, cc)
			})
		})
	}
	if s.Policy != "" {
		lost[SettingPolicy] = "a bucket policy names the source's principals and ARNs; write the target's policy by hand"
	}
	if len(s.Tags) > 0 {
		steps = append(steps, func() error {
			return put(SettingTags, func() error {
				t, err := tags.NewTags(s.Tags, false)
				if err != nil {
					return err
				}
				return mc.SetBucketTagging(ctx, bucket, t)
			})
		})
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return lost, err
		}
	}
	return lost, nil
}

// Names lists the settings s has, sorted.
func (s Settings) Names() []string {
	have := map[string]bool{
		SettingVersioning: s.Versioning == minio.Enabled, SettingObjectLock: s.ObjectLock != "",
		SettingLifecycle: s.Lifecycle != "", SettingCORS: s.CORS != "", SettingPolicy: s.Policy != "", SettingTags: len(s.Tags) > 0,
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(have)) {
		if have[k] {
			out = append(out, k)
		}
	}
	return out
}
