package s3

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/minio/minio-go/v7"
)

// Error is an S3 error response with what was being done.
type Error struct {
	Op        string // what was being done, e.g. "list bucket photos"
	Status    int
	Code      string // S3 error code, e.g. NoSuchBucket
	Message   string
	RequestID string
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s: S3 %s (HTTP %d)", e.Op, e.Code, e.Status)
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.RequestID != "" {
		s += " [request " + e.RequestID + "]"
	}
	return s
}

// Wrap says what was being done when err happened; S3 error responses
// become an *Error. A nil err stays nil.
func Wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var er minio.ErrorResponse
	if errors.As(err, &er) && er.StatusCode != 0 {
		return &Error{Op: op, Status: er.StatusCode, Code: er.Code, Message: er.Message, RequestID: er.RequestID}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// Code is the S3 error code in err's chain, or "".
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		return er.Code
	}
	return ""
}

func status(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		return er.StatusCode
	}
	return 0
}

// IsNotFound reports a missing bucket, object or upload.
func IsNotFound(err error) bool {
	switch Code(err) {
	case "NoSuchBucket", "NoSuchKey", "NoSuchUpload", "NotFound":
		return true
	}
	return status(err) == http.StatusNotFound && Code(err) == ""
}

// IsUnsupported reports that the store does not implement what was
// asked (Swift's s3api answers NotImplemented for lifecycle, policies
// and more).
func IsUnsupported(err error) bool {
	switch Code(err) {
	case "NotImplemented", "NotSupported", "XNotImplemented":
		return true
	}
	s := status(err)
	return s == http.StatusNotImplemented
}
