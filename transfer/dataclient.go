package transfer

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// dataClient makes the image data requests gophercloud cannot make the
// way a long stream needs them: ranged downloads and streaming uploads,
// each sent with a token that is fresh at that moment. It uses the
// session's HTTP client (bounded, retrying where a request can be
// repeated) and renews the token through the session's provider, so
// every API user of the session shares one renewal.
type dataClient struct {
	http     *http.Client
	provider *gophercloud.ProviderClient
	images   *gophercloud.ServiceClient
}

func newDataClient(s *cloud.Session) dataClient {
	return dataClient{http: s.HTTPClient(), provider: s.Provider, images: s.Image}
}

func (d dataClient) fileURL(imageID string) string {
	return d.images.ServiceURL("images", imageID, "file")
}

// token returns a token that is valid for a while, renewing it first
// when it expires within the provider's renewal margin.
func (d dataClient) token(ctx context.Context) (string, error) {
	tok := d.provider.Token()
	exp := d.provider.TokenExpiry()
	if exp.IsZero() || time.Until(exp) > d.provider.ReauthBeforeTokenExpiration {
		return tok, nil
	}
	if err := d.provider.Reauthenticate(ctx, tok); err != nil {
		return "", fmt.Errorf("renew token: %w", err)
	}
	return d.provider.Token(), nil
}

// send sends req with a fresh token. A 401 renews the token; then again
// gives the request to send once more, or false when it cannot (a
// streaming body), and the 401 is returned as a transient error: the
// next attempt has a fresh token.
func (d dataClient) send(ctx context.Context, req *http.Request, again func() (*http.Request, bool)) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		tok, err := d.token(ctx)
		if err != nil {
			return nil, err
		}
		req.Header.Set("X-Auth-Token", tok)
		req.Header.Set("User-Agent", d.provider.UserAgent.Join())
		resp, err := d.http.Do(req.WithContext(cloud.DataStream(req.Context())))
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusUnauthorized || attempt > 0 {
			return resp, nil
		}
		unauthorized := cloud.ResponseError(resp)
		drain(resp)
		if err := d.provider.Reauthenticate(ctx, tok); err != nil {
			return nil, fmt.Errorf("renew token after 401: %w", err)
		}
		next, ok := again()
		if !ok {
			return nil, cloud.Transient(unauthorized)
		}
		req = next
	}
}

// drain reads a little of a response body that is not wanted and closes
// it, so the connection can be used again.
func drain(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}
