package s3

// Secret is an S3 secret key. It prints and marshals as "[redacted]",
// so that no log, event, error or document written by the tool can
// carry it by accident; Reveal hands it to the signer.
type Secret string

const redacted = "[redacted]"

func (Secret) String() string               { return redacted }
func (Secret) GoString() string             { return redacted }
func (Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
func (s Secret) Reveal() string             { return string(s) }
