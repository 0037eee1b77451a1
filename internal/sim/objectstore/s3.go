package objectstore

// S3 is the S3 face of the store (to come).
type S3 struct{ r *Room }
