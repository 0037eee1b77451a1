package transfer

import (
	"errors"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// Sentinel errors, for errors.Is.
var (
	// ErrChecksumMismatch means the bytes that arrived are not the bytes
	// that left, even after the retries.
	ErrChecksumMismatch = errors.New("checksum mismatch")
	// ErrQuotaExceeded means a cloud refused to store the copy because a
	// quota or the storage is full.
	ErrQuotaExceeded = cloud.ErrQuotaExceeded
	// ErrNotFound means a resource does not exist (or is not visible).
	ErrNotFound = cloud.ErrNotFound
	// ErrBadState means a resource is in a state the copy cannot work
	// with, or went into an error state.
	ErrBadState = cloud.ErrBadState
)

// errStreamBroken is a stream that ended before its last byte.
var errStreamBroken = errors.New("stream broken")
