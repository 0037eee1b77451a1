package migrate

import (
	"context"
	"fmt"

	"github.com/gophercloud/gophercloud/v2/pagination"
)

// listAll reads every page of a gophercloud list and extracts the items.
func listAll[T any](ctx context.Context, pager pagination.Pager, extract func(pagination.Page) ([]T, error)) ([]T, error) {
	var out []T
	err := pager.EachPage(ctx, func(_ context.Context, page pagination.Page) (bool, error) {
		items, err := extract(page)
		if err != nil {
			return false, err
		}
		out = append(out, items...)
		return true, nil
	})
	return out, err
}

// extractAs decodes a page's JSON field into []T, for listing with
// structs that keep what gophercloud's types flatten (nil versus 0).
func extractAs[T any](field string) func(pagination.Page) ([]T, error) {
	return func(p pagination.Page) ([]T, error) {
		var body map[string][]T
		ei, ok := p.(interface{ ExtractInto(any) error })
		if !ok {
			return nil, fmt.Errorf("page type %T cannot be decoded", p)
		}
		err := ei.ExtractInto(&body)
		return body[field], err
	}
}
