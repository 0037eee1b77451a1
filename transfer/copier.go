package transfer

import (
	"context"
	"sync"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// Defaults for the zero fields of a Copier.
const (
	DefaultTransfers = 4
	DefaultRetries   = cloud.DefaultStreamRetries
	DefaultPoll      = 5 * time.Second
)

// Copier copies images and volumes from Source to Target. Its fields are
// set before the first copy and not changed afterwards; a Copier is safe
// for concurrent use and must not be copied once used.
type Copier struct {
	Source, Target *cloud.Session
	// Transfers bounds the copies moving data at the same time (each
	// moves one stream); 0 means DefaultTransfers.
	Transfers int
	// Retries is how often a failed or unverifiable stream is made again
	// from the start; 0 means DefaultRetries, negative means none. Resumed
	// downloads do not count as retries.
	Retries int
	// Observer hears about every stream; nil means nobody listens.
	Observer Observer
	// Poll is the longest wait between two looks at a resource that is
	// changing state; 0 means DefaultPoll. Polls start faster and slow
	// down to Poll.
	Poll time.Duration

	once  sync.Once
	slots chan struct{}

	// backoff is the first pause before a retry and stall the time a
	// stream may move no byte (0: stallTimeout); tests shorten them.
	backoff time.Duration
	stall   time.Duration
	// corrupt, when set, alters the bytes of a stream after they have
	// been hashed, as a broken network path would. Tests only.
	corrupt func(attempt int, p []byte)
}

func (c *Copier) init() {
	c.once.Do(func() {
		n := c.Transfers
		if n <= 0 {
			n = DefaultTransfers
		}
		c.slots = make(chan struct{}, n)
		if c.backoff == 0 {
			c.backoff = time.Second
		}
	})
}

// acquire takes a transfer slot, or gives up when ctx ends. The returned
// function gives the slot back.
func (c *Copier) acquire(ctx context.Context) (release func(), err error) {
	c.init()
	select {
	case c.slots <- struct{}{}:
		return func() { <-c.slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *Copier) retries() int {
	switch {
	case c.Retries < 0:
		return 0
	case c.Retries == 0:
		return DefaultRetries
	}
	return c.Retries
}

func (c *Copier) poll() time.Duration {
	if c.Poll > 0 {
		return c.Poll
	}
	return DefaultPoll
}

func (c *Copier) observer() Observer {
	if c.Observer != nil {
		return c.Observer
	}
	return nopObserver{}
}

// Result describes one finished copy.
type Result struct {
	SourceID string `json:"source_id"`
	TargetID string `json:"target_id"`
	Name     string `json:"name"`
	// Size is the size of the copy in bytes: the image size, or for a
	// volume its size in GiB times 2^30.
	Size int64 `json:"size"`
	// MD5 and SHA512 are the hex digests of the bytes streamed: the image,
	// or for a volume the temporary image it travelled as.
	MD5    string `json:"md5,omitempty"`
	SHA512 string `json:"sha512,omitempty"`
	// BytesOnWire are the bytes read from the source over all attempts,
	// resumed downloads and restarted uploads included.
	BytesOnWire int64 `json:"bytes_on_wire"`
	// Retries counts the streams that were started again from scratch;
	// Resumes the downloads picked up again where they broke.
	Retries  int           `json:"retries"`
	Resumes  int           `json:"resumes"`
	Duration time.Duration `json:"duration"`
	// Adopted is true when the target already held a verified copy
	// carrying the caller's markers, so no bytes moved.
	Adopted bool `json:"adopted"`
	// Leftovers describe temporary resources a successful copy could
	// not remove; CleanupOrphans removes them later.
	Leftovers []string `json:"leftovers,omitempty"`
}
