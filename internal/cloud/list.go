package cloud

import (
	"context"
	"fmt"

	"github.com/gophercloud/gophercloud/v2/pagination"
)

// ListAll reads every page of a gophercloud list and extracts the items,
// with gophercloud's Extract… function or with ExtractAs.
func ListAll[T any](ctx context.Context, pager pagination.Pager, extract func(pagination.Page) ([]T, error)) ([]T, error) {
	var out []T
	err := pager.EachPage(ctx, func(_ context.Context, page pagination.Page) (bool, error) {
		items, err := extract(page)
		out = append(out, items...)
		return err == nil, err
	})
	return out, err
}

// ExtractAs decodes the list under label of any gophercloud page into
// []T, for structs that keep what gophercloud's own types leave out or
// flatten (extensions, timestamps, null versus 0).
func ExtractAs[T any](label string) func(pagination.Page) ([]T, error) {
	return func(page pagination.Page) ([]T, error) {
		sp, ok := page.(interface {
			ExtractIntoSlicePtr(to any, label string) error
		})
		if !ok {
			return nil, fmt.Errorf("list %s: unexpected page type %T", label, page)
		}
		var items []T
		if err := sp.ExtractIntoSlicePtr(&items, label); err != nil {
			return nil, fmt.Errorf("decode %s: %w", label, err)
		}
		return items, nil
	}
}
