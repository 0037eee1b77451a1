package inventory

import (
	"context"
	"fmt"

	"github.com/gophercloud/gophercloud/v2/pagination"
)

// slicePage is what every gophercloud page can do: decode the list under
// a label into any slice type. It lets the collectors read the fields
// gophercloud's own result types leave out (extensions, timestamps).
type slicePage interface {
	ExtractIntoSlicePtr(to any, label string) error
}

// listAll walks every page of pager and decodes the items under label
// into T.
func listAll[T any](ctx context.Context, pager pagination.Pager, label string) ([]T, error) {
	var all []T
	err := pager.EachPage(ctx, func(_ context.Context, page pagination.Page) (bool, error) {
		sp, ok := page.(slicePage)
		if !ok {
			return false, fmt.Errorf("list %s: unexpected page type %T", label, page)
		}
		var items []T
		if err := sp.ExtractIntoSlicePtr(&items, label); err != nil {
			return false, fmt.Errorf("decode %s: %w", label, err)
		}
		all = append(all, items...)
		return true, nil
	})
	return all, err
}
