package transfer

import "time"

// SetBackoff shortens the pause before retries, so fault tests run fast.
func SetBackoff(c *Copier, d time.Duration) { c.backoff = d }

// SetCorrupt makes c alter the bytes of a stream after they were hashed,
// as a broken network path would; fn gets the attempt (0, 1, …) and may
// change p in place.
func SetCorrupt(c *Copier, fn func(attempt int, p []byte)) { c.corrupt = fn }

// SetStall sets how long a stream may move no byte before it is broken off.
func SetStall(c *Copier, d time.Duration) { c.stall = d }

// SetBucketBackoff shortens the pause before an object is copied again.
func SetBucketBackoff(b *BucketCopier, d time.Duration) { b.pause = d }
