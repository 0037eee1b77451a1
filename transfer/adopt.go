package transfer

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// markedImages lists the caller's images on the target that carry all
// of the marker properties. Glance filters by additional properties on
// the server; the markers are checked here again all the same.
type markedImages struct {
	images.ListOpts
	markers map[string]string
}

func (q markedImages) ToImageListQuery() (string, error) {
	s, err := q.ListOpts.ToImageListQuery()
	if err != nil {
		return "", err
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", err
	}
	v := u.Query()
	for k, m := range q.markers {
		v.Set(k, m)
	}
	return "?" + v.Encode(), nil
}

func carriesMarkers(img images.Image, markers map[string]string) bool {
	for k, want := range markers {
		if got, _ := img.Properties[k].(string); got != want {
			return false
		}
	}
	return true
}

// adoptImage looks for an earlier copy of src carrying the markers of
// opts. A verified one is returned (ok); any other is deleted.
func (c *Copier) adoptImage(ctx context.Context, src *images.Image, opts ImageOptions) (res Result, ok bool, err error) {
	if len(opts.Properties) == 0 {
		return res, false, cloud.Permanent(errors.New("adopt needs marker properties to recognise an earlier copy"))
	}
	found, err := c.findMarkedImages(ctx, opts.Properties, src.Hidden)
	if err != nil {
		return res, false, err
	}
	want := claimedDigests(src)
	var stale []string
	for _, img := range found {
		have := claimedDigests(&img)
		if !ok && img.Status == images.ImageStatusActive && want.SHA512+want.MD5 != "" && mismatch("", have, want) == nil {
			res = Result{SourceID: src.ID, TargetID: img.ID, Name: img.Name, Size: img.SizeBytes,
				MD5: have.MD5, SHA512: have.SHA512, Adopted: true}
			ok = true
			continue
		}
		stale = append(stale, img.ID)
	}
	for _, id := range stale {
		if err := deleteImage(ctx, c.Target.Image, id); err != nil {
			return res, false, fmt.Errorf("remove earlier unfinished copy: %w", err)
		}
	}
	return res, ok, nil
}

func (c *Copier) findMarkedImages(ctx context.Context, markers map[string]string, hidden bool) ([]images.Image, error) {
	q := markedImages{ListOpts: images.ListOpts{Owner: c.Target.ProjectID, Hidden: hidden}, markers: markers}
	all, err := listImages(ctx, c.Target.Image, q)
	if err != nil {
		return nil, err
	}
	var out []images.Image
	for _, img := range all {
		if carriesMarkers(img, markers) {
			out = append(out, img)
		}
	}
	// Oldest first: an earlier complete copy wins over later ones.
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out, nil
}
